using System.Text.RegularExpressions;
using CamShare.Core.Pipeline;
using CamShare.Core.Recording;
using CamShare.Core.Spool;

namespace CamShare.Core.Retention;

/// <summary>
/// Decides whether a plain key is one CamShare wrote: it holds a segment file name in the exact form the recorder
/// gives (<c>yyyyMMddTHHmmss±hhmm.mp4</c>), and rendering the key template for one of the configured cameras
/// with that name and its own start time gives exactly the key. A file named like a segment in another folder,
/// a segment of another camera, or any other name is not ours.
/// </summary>
public sealed partial class SegmentKeyRecognizer
{
    private readonly string _template;
    private readonly IReadOnlyList<string> _cameras;

    /// <param name="template">The configured key template (<c>keyTemplate</c>).</param>
    /// <param name="cameras">Names of the configured cameras.</param>
    public SegmentKeyRecognizer(string template, IEnumerable<string> cameras)
    {
        _template = template;
        _cameras = cameras.Distinct(StringComparer.Ordinal).ToList();
        RemovableFolderDepths = FolderDepthsWithDates(template);
    }

    /// <summary>Indexes of the key's folder levels that the template names by date (e.g. 1 and 2 for
    /// <c>{camera}/{yyyyMMdd}/{HH}/{file}</c>): the folders retention may remove once they are empty.</summary>
    public IReadOnlySet<int> RemovableFolderDepths { get; }

    /// <summary>Whether <paramref name="plainKey"/> is a segment of a configured camera; if so, which and when.</summary>
    public bool TryRecognize(string plainKey, out string camera, out DateTimeOffset start)
    {
        camera = "";
        start = default;
        foreach (Match name in SegmentFileName().Matches(plainKey))
        {
            if (!SegmentName.TryParseStart(name.Value, out var at) || SegmentNamer.Format(at) != name.Value) continue;
            foreach (var candidate in _cameras)
            {
                if (!string.Equals(Render(candidate, name.Value, at), plainKey, StringComparison.Ordinal)) continue;
                camera = candidate;
                start = at;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The plain prefixes under which every key of a configured camera lies: the template's text before its first
    /// date or file token, per camera, without prefixes that another one already covers. Listing only these keeps
    /// foreign parts of a shared bucket out of the sweep.
    /// </summary>
    public IReadOnlyList<string> ListPrefixes()
    {
        var prefixes = _cameras.Select(StaticPrefixFor).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var kept = new List<string>();
        foreach (var prefix in prefixes)
            if (!kept.Any(k => prefix.StartsWith(k, StringComparison.Ordinal))) kept.Add(prefix);
        return kept;
    }

    private string StaticPrefixFor(string camera)
    {
        var prefix = new System.Text.StringBuilder();
        var i = 0;
        while (i < _template.Length)
        {
            var open = _template.IndexOf('{', i);
            if (open < 0) { prefix.Append(_template, i, _template.Length - i); break; }
            var close = _template.IndexOf('}', open + 1);
            prefix.Append(_template, i, open - i);
            if (close < 0 || _template[(open + 1)..close] != "camera") break;
            prefix.Append(camera);
            i = close + 1;
        }
        return prefix.ToString();
    }

    private string? Render(string camera, string fileName, DateTimeOffset start)
    {
        try
        {
            return KeyTemplate.Render(_template, camera, fileName, start);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static HashSet<int> FolderDepthsWithDates(string template)
    {
        var parts = template.Split('/');
        var depths = new HashSet<int>();
        for (var depth = 0; depth < parts.Length - 1; depth++)
            if (TokenPattern().Matches(parts[depth]).Any(t => t.Groups[1].Value is not ("camera" or "file"))) depths.Add(depth);
        return depths;
    }

    [GeneratedRegex(@"\d{8}T\d{6}[+-]\d{4}\.mp4")]
    private static partial Regex SegmentFileName();

    [GeneratedRegex(@"\{([^{}]+)\}")]
    private static partial Regex TokenPattern();
}
