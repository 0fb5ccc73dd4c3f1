using CamShare.Abstractions;

namespace CamShare.Storage.Rclone;

/// <summary>
/// The contract's redactor, knowing the values of the environment given to rclone (remote passwords, tokens).
/// </summary>
internal static class RcloneSecrets
{
    public static SecretRedactor RedactorFor(IEnumerable<KeyValuePair<string, string>> environment)
    {
        var secrets = new List<string>();
        foreach (var (key, value) in environment)
        {
            if (string.IsNullOrEmpty(value) || value.Length < 4 || IsNotSecret(key)) continue;
            secrets.Add(value);
            // rclone's size-suffix parser echoes the value without its last character ("parsing \"Sekr1tValu\"").
            if (value.Length >= 6) secrets.Add(value[..^1]);
        }
        return new SecretRedactor(secrets);
    }

    private static bool IsNotSecret(string key) =>
        key.EndsWith("_TYPE", StringComparison.Ordinal) || key.EndsWith("_HOST", StringComparison.Ordinal) ||
        key.EndsWith("_PORT", StringComparison.Ordinal);
}
