namespace CamShare.Storage.Sftp;

/// <summary>
/// SHA-256 host key fingerprints as <c>ssh-keygen -lf</c> prints them (<c>SHA256:</c> + base64 without padding).
/// </summary>
internal static class HostKeyFingerprint
{
    public const string Prefix = "SHA256:";

    /// <summary>The base64 part (no prefix, no padding), or null when <paramref name="text"/> is not a SHA-256
    /// fingerprint. Base64 is case-sensitive, so nothing else is normalised.</summary>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var value = text.Trim();
        if (value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) value = value[Prefix.Length..];
        value = value.TrimEnd('=');
        if (value.Length != 43) return null; // 32 bytes in unpadded base64
        try
        {
            return Convert.FromBase64String(value + "=").Length == 32 ? value : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>For messages: the form ssh-keygen prints.</summary>
    public static string Display(string base64) => Prefix + base64.TrimEnd('=');
}
