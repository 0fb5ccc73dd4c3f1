using System.Text.RegularExpressions;

namespace CamShare.Core.Recording;

/// <summary>
/// Scrubs secrets from text produced by ffmpeg/ffprobe before it reaches a log or an exception: the password in
/// plain and percent-encoded form, and the user-info part of any URL.
/// </summary>
public sealed partial class SecretRedactor
{
    public const string Mask = "***";
    private readonly string[] _secrets;

    public SecretRedactor(params IEnumerable<string?> secrets)
    {
        _secrets = secrets
            .Where(s => !string.IsNullOrEmpty(s))
            .SelectMany(s => new[] { s!, Uri.EscapeDataString(s!), Uri.EscapeDataString(s!).ToLowerInvariant() })
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)
            .ToArray();
    }

    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var result = UserInfo().Replace(text, "${scheme}" + Mask + "@");
        foreach (var secret in _secrets)
            result = result.Replace(secret, Mask, StringComparison.Ordinal);
        return result;
    }

    // scheme://anything-without-slash-or-space@ : the credentials of a URL.
    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s'""@]*@")]
    private static partial Regex UserInfo();
}
