using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Spool;

/// <summary>
/// Append-only JSON-lines journal of segment states. Each append is fsynced before it returns, so whatever the
/// journal says survives a SIGKILL or a power cut. A torn last line (the write a crash interrupted) is ignored.
/// Opening compacts it: the live state is written to a new file, fsynced and renamed over the old one.
/// </summary>
public sealed class SegmentJournal : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly Lock _lock = new();
    private FileStream? _stream;
    private bool _dead;

    private SegmentJournal(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    /// <summary>Reads the journal, folds it into live segment states, compacts it and opens it for appending.</summary>
    public static SegmentJournal Open(string path, ILogger logger, out IReadOnlyList<JournalState> live)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        live = Fold(ReadRecords(path, logger));
        WriteCompacted(path, live);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        return new SegmentJournal(path, stream);
    }

    /// <summary>Records appended since the journal was last compacted.</summary>
    public int AppendsSinceCompaction { get; private set; }

    /// <summary>Replaces the journal with just <paramref name="live"/> (new file, fsync, rename). The caller makes
    /// sure no state change happens meanwhile (the spool holds its lock).</summary>
    public void Compact(IEnumerable<JournalState> live)
    {
        lock (_lock)
        {
            if (_dead || _stream is null) throw new ObjectDisposedException(nameof(SegmentJournal), "the journal is closed");
            WriteCompacted(Path, live);
            _stream.Dispose(); // the old file, already replaced by the rename
            _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            AppendsSinceCompaction = 0;
        }
    }

    private static void WriteCompacted(string path, IEnumerable<JournalState> live)
    {
        var temp = path + ".compact";
        using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var state in live)
                foreach (var record in state.ToRecords())
                    output.Write(Encode(record));
            output.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        FsyncDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
    }

    /// <summary>Appends one record durably (written and fsynced before returning).</summary>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/> or <see cref="Kill"/>.</exception>
    public void Append(JournalRecord record)
    {
        var bytes = Encode(record);
        lock (_lock)
        {
            if (_dead || _stream is null) throw new ObjectDisposedException(nameof(SegmentJournal), "the journal is closed");
            _stream.Write(bytes);
            _stream.Flush(flushToDisk: true);
            AppendsSinceCompaction++;
        }
    }

    /// <summary>Tests: behave like a process that died right now; every later append fails and changes nothing.</summary>
    internal void Kill()
    {
        lock (_lock) _dead = true;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _dead = true;
            _stream?.Dispose();
            _stream = null;
        }
    }

    internal static List<JournalRecord> ReadRecords(string path, ILogger logger)
    {
        var records = new List<JournalRecord>();
        if (!File.Exists(path)) return records;
        var text = File.ReadAllText(path, Encoding.UTF8);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var isLast = i == lines.Length - 1; // text after the last newline: a write cut short
            try
            {
                var record = JsonSerializer.Deserialize<JournalRecord>(line, Json);
                if (record is null) continue;
                if (isLast)
                {
                    logger.LogWarning("Journal {Path}: last line has no newline (write cut short by a crash); ignored", path);
                    continue;
                }
                records.Add(record);
            }
            catch (JsonException)
            {
                logger.LogWarning("Journal {Path}: line {Line} is damaged ({What}); ignored", path, i + 1,
                    isLast ? "torn by a crash" : "not valid JSON");
            }
        }
        return records;
    }

    internal static IReadOnlyList<JournalState> Fold(IEnumerable<JournalRecord> records)
    {
        var states = new Dictionary<(string, string), JournalState>();
        var order = new List<(string, string)>();
        foreach (var r in records)
        {
            var id = (r.Camera, r.File);
            switch (r.Op)
            {
                case JournalRecord.Added:
                    if (!states.ContainsKey(id)) order.Add(id);
                    states[id] = new JournalState(r);
                    break;
                case JournalRecord.Verified when states.TryGetValue(id, out var s) && r.Destination is not null && r.Key is not null:
                    s.Verified[r.Destination] = r.Key;
                    break;
                case JournalRecord.Dropped or JournalRecord.Removed:
                    states.Remove(id);
                    break;
            }
        }
        return order.Where(states.ContainsKey).Select(id => states[id]).ToList();
    }

    private static byte[] Encode(JournalRecord record) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, Json) + "\n");

    private static void FsyncDirectory(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            using var handle = File.OpenHandle(folder, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.None);
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }
}

/// <summary>A segment the journal still has work for: its "added" record and the destinations that verified it.</summary>
public sealed class JournalState(JournalRecord added)
{
    public JournalRecord Added { get; } = added;
    public Dictionary<string, string> Verified { get; } = new(StringComparer.Ordinal);

    internal IEnumerable<JournalRecord> ToRecords()
    {
        yield return Added;
        foreach (var (dest, key) in Verified)
            yield return new JournalRecord
            {
                Op = JournalRecord.Verified, Camera = Added.Camera, File = Added.File, At = Added.At, Destination = dest, Key = key,
            };
    }
}
