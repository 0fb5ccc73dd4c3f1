using System.Globalization;
using System.Text;
using CamShare.Abstractions;

namespace CamShare.Core.Pipeline;

/// <summary>
/// Remote keys from a template such as <c>{camera}/{yyyyMMdd}/{HH}/{file}</c>: <c>{camera}</c>, <c>{file}</c>, and
/// any .NET date format applied to the segment's local start time (with the offset in its name). Deterministic:
/// the same segment always gets the same key, which makes a re-upload after a crash an identical overwrite.
/// </summary>
public static class KeyTemplate
{
    /// <summary>A piece of a template: literal text, or the name inside a pair of braces.</summary>
    public readonly record struct Part(string Text, bool IsToken);

    /// <summary>Splits a template into literal text and tokens.</summary>
    /// <exception cref="FormatException">A brace is unmatched or a token is empty or nested.</exception>
    public static IReadOnlyList<Part> Parse(string template)
    {
        var parts = new List<Part>();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            var stray = template.IndexOf('}', i);
            if (stray >= 0 && (open < 0 || stray < open))
                throw new FormatException($"'}}' at position {stray + 1} closes no '{{'");
            if (open < 0) { parts.Add(new Part(template[i..], false)); break; }
            if (open > i) parts.Add(new Part(template[i..open], false));
            var close = template.IndexOf('}', open + 1);
            var nested = template.IndexOf('{', open + 1);
            if (close < 0 || nested >= 0 && nested < close)
                throw new FormatException($"'{{' at position {open + 1} is never closed");
            if (close == open + 1) throw new FormatException($"empty token '{{}}' at position {open + 1}");
            parts.Add(new Part(template[(open + 1)..close], true));
            i = close + 1;
        }
        return parts;
    }

    public static string Render(string template, string camera, string fileName, DateTimeOffset start)
    {
        var key = new StringBuilder();
        foreach (var part in Parse(template))
            key.Append(!part.IsToken ? part.Text : part.Text switch
            {
                "camera" => camera,
                "file" => fileName,
                // One letter alone is a standard format ("d" = 03/23/2024); '%' makes it the custom specifier.
                var format => start.ToString(format.Length == 1 ? "%" + format : format, CultureInfo.InvariantCulture),
            });
        var result = key.ToString();
        StorageKeys.EnsureValid(result);
        return result;
    }
}
