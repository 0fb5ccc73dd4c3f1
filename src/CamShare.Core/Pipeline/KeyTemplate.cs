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
    public static string Render(string template, string camera, string fileName, DateTimeOffset start)
    {
        var key = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0) { key.Append(template, i, template.Length - i); break; }
            var close = template.IndexOf('}', open + 1);
            if (close < 0) throw new FormatException($"key template '{template}': '{{' at {open} is never closed");
            key.Append(template, i, open - i);
            var token = template[(open + 1)..close];
            key.Append(token switch
            {
                "camera" => camera,
                "file" => fileName,
                _ => start.ToString(token, CultureInfo.InvariantCulture),
            });
            i = close + 1;
        }
        var result = key.ToString();
        StorageKeys.EnsureValid(result);
        return result;
    }
}
