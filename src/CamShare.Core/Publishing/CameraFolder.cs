using System.Text.RegularExpressions;

namespace CamShare.Core.Publishing;

/// <summary>
/// A camera's folder on a storage: the leading folders of the key template up to the one holding
/// <c>{camera}</c> (<c>{camera}/{yyyyMMdd}/{HH}/{file}</c> → <c>porch</c>). The viewer's page and index live
/// there. Name encryption maps each folder name on its own, so the stored camera folder is the same number of
/// leading segments of a stored key.
/// </summary>
public static partial class CameraFolder
{
    /// <summary>How many leading key segments make the camera folder, or null when the template has no such
    /// folder (no {camera}, or a date token before it, or {camera} only in the file name).</summary>
    public static int? SegmentsIn(string template)
    {
        var parts = template.Split('/');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            var tokens = TokenPattern().Matches(parts[i]).Select(m => m.Groups[1].Value).ToList();
            if (tokens.Any(t => t != "camera")) return null;
            if (tokens.Count > 0) return i + 1;
        }
        return null;
    }

    /// <summary>The camera folder (plain names) for <paramref name="camera"/>.</summary>
    public static string Plain(string template, string camera, int segments) =>
        string.Join('/', template.Split('/').Take(segments)).Replace("{camera}", camera, StringComparison.Ordinal);

    /// <summary>Splits a stored key into its camera folder and the path below it.</summary>
    /// <exception cref="ArgumentException">The key is not below a camera folder of that depth.</exception>
    public static (string Folder, string Path) Split(string storedKey, int segments)
    {
        var parts = storedKey.Split('/');
        if (parts.Length <= segments) throw new ArgumentException($"'{storedKey}' is not inside a camera folder", nameof(storedKey));
        return (string.Join('/', parts.Take(segments)), string.Join('/', parts.Skip(segments)));
    }

    [GeneratedRegex(@"\{([^{}]+)\}")]
    private static partial Regex TokenPattern();
}
