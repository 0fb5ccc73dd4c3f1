using System.Text.RegularExpressions;

namespace CamShare.Storage.Rclone;

/// <summary>
/// Removes secrets from rclone's output before it reaches a message or a log: the values of the configured
/// environment variables, credentials in URLs, and secret parameters of on-the-fly remotes
/// (":sftp,pass=...:path").
/// </summary>
internal sealed partial class SecretRedactor
{
    public const string Mask = "***";
    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<KeyValuePair<string, string>> environment)
    {
        var secrets = new List<string>();
        foreach (var (key, value) in environment)
        {
            if (string.IsNullOrEmpty(value) || value.Length < 4 || IsNotSecret(key)) continue;
            secrets.Add(value);
            // rclone's size-suffix parser echoes the value without its last character ("parsing \"Sekr1tValu\"").
            if (value.Length >= 6) secrets.Add(value[..^1]);
        }
        _secrets = secrets.Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();
    }

    private static bool IsNotSecret(string key) =>
        key.EndsWith("_TYPE", StringComparison.Ordinal) || key.EndsWith("_HOST", StringComparison.Ordinal) ||
        key.EndsWith("_PORT", StringComparison.Ordinal);

    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        foreach (var secret in _secrets)
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        text = UrlCredentials().Replace(text, m => m.Groups[1].Value + Mask + "@");
        text = SecretParameter().Replace(text, m => m.Groups[1].Value + "=" + Mask);
        return text;
    }

    // scheme://user:password@host -> scheme://user:***@host (a user name alone is no secret)
    [GeneratedRegex(@"([a-zA-Z][a-zA-Z0-9+.-]*://[^/\s@:""']*:)[^/\s@""']+@")]
    private static partial Regex UrlCredentials();

    // pass=..., password=..., token=..., secret_access_key=..., client_secret=..., key=... in connection strings
    // and in option dumps; a value ends at ',' ':' whitespace or a quote.
    [GeneratedRegex(@"\b([a-zA-Z_]*(?:pass|password|token|secret|secret_access_key|access_key_id|key|sas_url|account_key|api_key)[a-zA-Z_]*)\s*=\s*(?:""[^""]*""|[^,:\s""'}]+)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretParameter();
}
