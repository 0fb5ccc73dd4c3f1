using System.Text;

namespace CamShare.Core.Recording;

/// <summary>
/// Follows the CSV segment list of one ffmpeg run. ffmpeg writes a segment's line after the segment's last byte,
/// so a complete line (ending in a newline) means that segment is complete; a partial line is never used.
/// </summary>
internal sealed class SegmentListReader(string path)
{
    private long _offset;
    private readonly List<byte> _partial = [];

    public string Path { get; } = path;

    public long Length => File.Exists(Path) ? new FileInfo(Path).Length : 0;

    /// <summary>File names of segments listed since the last call.</summary>
    public IReadOnlyList<ListedSegment> ReadNew()
    {
        if (!File.Exists(Path)) return [];
        byte[] fresh;
        using (var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (stream.Length < _offset) { _offset = 0; _partial.Clear(); } // truncated: a new run reused the name
            stream.Seek(_offset, SeekOrigin.Begin);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            fresh = buffer.ToArray();
            _offset += fresh.Length;
        }
        var names = new List<ListedSegment>();
        foreach (var b in fresh)
        {
            if (b != (byte)'\n') { _partial.Add(b); continue; }
            var line = Encoding.UTF8.GetString(_partial.ToArray()).TrimEnd('\r');
            _partial.Clear();
            if (FileNameOf(line) is { } name) names.Add(new ListedSegment(name, DurationOf(line)));
        }
        return names;
    }

    /// <summary>Every complete entry of a finished list (used at start-up for lists of earlier runs).</summary>
    public static IReadOnlyList<ListedSegment> ReadAll(string path) => new SegmentListReader(path).ReadNew();

    // The last two fields are the segment's start and end on the stream's time line.
    internal static double? DurationOf(string line)
    {
        var parts = line.Split(',');
        if (parts.Length < 3) return null;
        return double.TryParse(parts[^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var end) &&
               double.TryParse(parts[^2], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var start)
            ? end - start : null;
    }

    // A CSV line "name,start,end"; the name is quoted when it contains a comma or a quote.
    internal static string? FileNameOf(string line)
    {
        if (line.Length == 0) return null;
        string name;
        if (line[0] == '"')
        {
            var sb = new StringBuilder();
            for (var i = 1; i < line.Length; i++)
            {
                if (line[i] == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; continue; }
                    break;
                }
                sb.Append(line[i]);
            }
            name = sb.ToString();
        }
        else
        {
            var comma = line.IndexOf(',');
            name = comma < 0 ? line : line[..comma];
        }
        name = System.IO.Path.GetFileName(name);
        return name.Length == 0 ? null : name;
    }
}

/// <summary>A segment the list reports as complete, with its duration when the list gives it.</summary>
internal sealed record ListedSegment(string Name, double? Seconds);
