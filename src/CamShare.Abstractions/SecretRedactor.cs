using System.Text.RegularExpressions;

namespace CamShare.Abstractions;

/// <summary>
/// Scrubs secrets from text before it reaches a log line or an error message: the given secret values (plain and
/// percent-encoded), the password part of any URL, and secret-looking parameters (<c>pass=…</c>, <c>token=…</c>,
/// <c>X-Amz-Signature=…</c>). The host uses one for ffmpeg's output and every storage error; plugins use one for
/// the messages they build from a backend's or a tool's output.
/// </summary>
public sealed partial class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    // Shorter values are too likely to occur by chance in ordinary text ("on", "1").
    private const int MinimumSecretLength = 3;
    private readonly string[] _secrets;

    /// <summary>A redactor for the given secret values (null and empty ones are ignored).</summary>
    public SecretRedactor(params IEnumerable<string?> secrets)
    {
        _secrets = secrets
            .Where(s => s is { Length: >= MinimumSecretLength })
            .SelectMany(s => new[] { s!, Uri.EscapeDataString(s!), Uri.EscapeDataString(s!).ToLowerInvariant() })
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)
            .ToArray();
    }

    /// <summary>A redactor that knows no values and only applies the patterns.</summary>
    public static SecretRedactor PatternsOnly { get; } = new();

    /// <summary>A redactor knowing the secrets of both.</summary>
    public SecretRedactor With(params IEnumerable<string?> more) => new(_secrets.Concat(more));

    /// <summary>The text with every secret replaced by <see cref="Mask"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        foreach (var secret in _secrets)
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        text = UrlPassword().Replace(text, m => m.Groups["head"].Value + Mask + "@");
        text = SecretParameter().Replace(text, m => m.Groups["name"].Value + m.Groups["sep"].Value + Mask);
        return text;
    }

    // scheme://user:password@host -> scheme://user:***@host (a user name alone is no secret)
    [GeneratedRegex(@"(?<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s@:""']*:)[^/\s@""']+@")]
    private static partial Regex UrlPassword();

    // pass=, password=, token=, secret=, signature=, key= ... in query strings, connection strings and option dumps.
    [GeneratedRegex(@"\b(?<name>[a-zA-Z_.-]*(?:pass|password|passwd|token|secret|signature|credential|api_?key|access_?key|private_?key|account_key|sas_url|sig)[a-zA-Z_.-]*)(?<sep>\s*=\s*|"":\s*"")(?!\*\*\*)(?:""[^""]*""|[^,&;\s""'}]+)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretParameter();
}
