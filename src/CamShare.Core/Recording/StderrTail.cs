namespace CamShare.Core.Recording;

/// <summary>The last lines a process printed (already redacted), to explain why it exited.</summary>
internal sealed class StderrTail(int capacity = 20)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();

    public void Add(string line)
    {
        lock (_lock)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity) _lines.Dequeue();
        }
    }

    public IReadOnlyList<string> Lines { get { lock (_lock) return _lines.ToArray(); } }

    /// <summary>The most telling recent line: the last error, else the last warning; for a clean exit without
    /// either, the camera ended the stream (ffmpeg 5.1 exits with 0 when the camera goes away).</summary>
    public string Reason(int exitCode)
    {
        var lines = Lines;
        var pick = lines.LastOrDefault(l => l.Contains("[error]", StringComparison.Ordinal) || l.Contains("[fatal]", StringComparison.Ordinal))
                   ?? lines.LastOrDefault(l => l.Contains("[warning]", StringComparison.Ordinal) && !l.Contains("Timestamps are unset", StringComparison.Ordinal));
        if (pick is not null) return pick.Trim();
        if (exitCode == 0) return "the camera ended the stream (no error reported)";
        return lines.LastOrDefault()?.Trim() ?? "no output";
    }
}
