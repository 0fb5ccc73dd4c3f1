using System.Text.RegularExpressions;

namespace CamShare.Core.Configuration;

/// <summary>Removes secrets from text before it reaches a log, an error or the screen.</summary>
public static partial class Redaction
{
    public const string Mask = "***";

    /// <summary>rtsp://user:pass@host → rtsp://user:***@host (any scheme).</summary>
    public static string RedactUrl(string text) => UserInfoPattern().Replace(text, m => $"{m.Groups[1].Value}{m.Groups[2].Value}:{Mask}@");

    /// <summary>Removes each secret (as given, and percent-encoded) and any URL credentials from <paramref name="text"/>.</summary>
    public static string Redact(string text, IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret)) continue;
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
            var encoded = Uri.EscapeDataString(secret);
            if (encoded != secret) text = text.Replace(encoded, Mask, StringComparison.OrdinalIgnoreCase);
        }
        return RedactUrl(text);
    }

    [GeneratedRegex(@"([a-zA-Z][a-zA-Z0-9+.-]*://)([^:/@\s]*):[^@/\s]*@")]
    private static partial Regex UserInfoPattern();
}
