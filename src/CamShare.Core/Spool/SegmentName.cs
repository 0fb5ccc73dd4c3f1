using System.Globalization;

namespace CamShare.Core.Spool;

/// <summary>Segment file names: <c>yyyyMMddTHHmmss±hhmm.mp4</c>, the local wall-clock time ffmpeg opened the file.</summary>
public static class SegmentName
{
    public static bool TryParseStart(string fileName, out DateTimeOffset start)
    {
        start = default;
        var stem = Path.GetFileNameWithoutExtension(fileName);
        if (stem.Length < 20 || stem[8] != 'T' || (stem[15] != '+' && stem[15] != '-')) return false;
        if (!DateTime.TryParseExact(stem[..15], "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return false;
        if (!int.TryParse(stem.AsSpan(16, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours) ||
            !int.TryParse(stem.AsSpan(18, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes))
            return false;
        var offset = new TimeSpan(hours, minutes, 0);
        if (stem[15] == '-') offset = -offset;
        try
        {
            start = new DateTimeOffset(local, offset);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The start time from the name, else the file's modification time (local).</summary>
    public static DateTimeOffset StartOf(string path) =>
        TryParseStart(Path.GetFileName(path), out var start) ? start : new DateTimeOffset(File.GetLastWriteTime(path));
}
