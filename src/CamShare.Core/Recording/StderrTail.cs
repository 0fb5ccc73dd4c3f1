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

    /// <summary>The most telling recent line: the last error, else the last warning, else the last line.</summary>
    public string Reason()
    {
        var lines = Lines;
        var pick = lines.LastOrDefault(l => l.Contains("[error]", StringComparison.Ordinal) || l.Contains("[fatal]", StringComparison.Ordinal))
                   ?? lines.LastOrDefault(l => l.Contains("[warning]", StringComparison.Ordinal) && !l.Contains("Timestamps are unset", StringComparison.Ordinal))
                   ?? lines.LastOrDefault();
        return pick?.Trim() ?? "no output";
    }
}
