using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CamShare.Core.Recording;

/// <summary>
/// Names segments. ffmpeg writes files whose names are unique by construction (<c>RUN-000001.mp4</c>: a run id
/// and ffmpeg's own counter), so a restart in the same second can never reopen, and overwrite, a finished
/// segment. When a segment is complete it gets its final name, <c>yyyyMMddTHHmmss±hhmm.mp4</c>: the camera's local
/// wall-clock time when ffmpeg opened it (from ffmpeg's "Opening … for writing" line), moved one second later in
/// the rare case that the name is taken, so that two segments never share a name (or a remote key).
/// </summary>
internal sealed partial class SegmentNamer
{
    private const string LastNameFile = ".last-segment-name";
    private readonly string _rec;
    private readonly TimeZoneInfo _zone;
    private readonly Func<string, bool> _taken;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _opened = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    /// <param name="rec">The camera's recording folder.</param>
    /// <param name="zone">The camera's time zone (names carry its local time and offset).</param>
    /// <param name="taken">Whether a final name is already used (a file in rec/, a segment in the spool).</param>
    public SegmentNamer(string rec, TimeZoneInfo zone, Func<string, bool> taken)
    {
        _rec = rec;
        _zone = zone;
        _taken = taken;
        try
        {
            if (Spool.SegmentName.TryParseStart(File.ReadAllText(Path.Combine(rec, "..", LastNameFile)).Trim(), out var last)) _last = last;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>A new run's id: sortable by time, unique.</summary>
    public static string NewRunId(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];

    /// <summary>ffmpeg's output pattern for a run (its %06d counter makes every file of the run unique).</summary>
    public static string OutputPattern(string runId) => runId + "-%06d.mp4";

    /// <summary>Whether <paramref name="fileName"/> is a file ffmpeg writes (not yet given its final name).</summary>
    public static bool IsRunFile(string fileName) => RunFile().IsMatch(fileName);

    /// <summary>ffmpeg opened <paramref name="runFile"/> at <paramref name="at"/>; kept on disk too, for a restart.</summary>
    public void RecordOpened(string runFile, DateTimeOffset at)
    {
        var name = Path.GetFileName(runFile);
        if (!IsRunFile(name)) return;
        _opened[name] = at;
        try
        {
            File.AppendAllText(OpensFileOf(name), string.Create(CultureInfo.InvariantCulture, $"{name},{at.ToUnixTimeMilliseconds()}\n"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The memory copy serves this run; after a crash the file's own time is the fallback.
        }
    }

    /// <summary>When ffmpeg opened the file: what it said, else (after a crash) the file's creation time.</summary>
    public DateTimeOffset OpenedAt(string path)
    {
        var name = Path.GetFileName(path);
        if (_opened.TryGetValue(name, out var at)) return at;
        try
        {
            foreach (var line in File.ReadLines(OpensFileOf(name)))
            {
                var comma = line.IndexOf(',');
                if (comma > 0 && line.AsSpan(0, comma).SequenceEqual(name) &&
                    long.TryParse(line.AsSpan(comma + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
                    return _opened[name] = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        var created = File.GetCreationTimeUtc(path);
        var written = File.GetLastWriteTimeUtc(path);
        return new DateTimeOffset(created <= written && created.Year > 2000 ? created : written, TimeSpan.Zero);
    }

    /// <summary>The final name for a complete run file, unique for this camera and later than every earlier one.</summary>
    public string FinalNameFor(string path)
    {
        var at = OpenedAt(path);
        lock (_lock)
        {
            var local = TimeZoneInfo.ConvertTime(at, _zone);
            local = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second, local.Offset);
            while (local <= _last || _taken(Format(local))) local = TimeZoneInfo.ConvertTime(local.AddSeconds(1), _zone);
            _last = local;
            var name = Format(local);
            try { File.WriteAllText(Path.Combine(_rec, "..", LastNameFile), name); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
            return name;
        }
    }

    /// <summary>The open-time records of finished runs are no longer needed.</summary>
    public void ForgetRun(string runId)
    {
        try { File.Delete(Path.Combine(_rec, $"opens-{runId}.csv")); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        foreach (var key in _opened.Keys.Where(k => k.StartsWith(runId, StringComparison.Ordinal))) _opened.TryRemove(key, out _);
    }

    public static string Format(DateTimeOffset local)
    {
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{local:yyyyMMdd'T'HHmmss}{sign}{offset.Hours:00}{offset.Minutes:00}.mp4");
    }

    /// <summary>The run id a run file belongs to.</summary>
    public static string RunIdOf(string fileName) => fileName[..fileName.LastIndexOf('-')];

    private string OpensFileOf(string runFile) => Path.Combine(_rec, $"opens-{RunIdOf(runFile)}.csv");

    [GeneratedRegex(@"^\d{8}T\d{9}-[0-9a-f]{6}-\d{6}\.mp4$")]
    private static partial Regex RunFile();
}
