using System.Globalization;
using CamShare.Abstractions;
using CamShare.Core.Configuration;
using CamShare.Core.Pipeline;
using CamShare.Core.Storage;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Spool;

/// <summary>
/// The local spool: which complete segments wait for which destinations, backed by the journal. Decides when a
/// local file may go (every destination verified it) and what to drop when the spool is over its size cap.
/// </summary>
public sealed class SegmentSpool
{
    public const string RecordingFolder = "rec";
    public const string QuarantineFolder = "quarantine";
    public const string KeptFolder = "kept";
    public const string JournalFileName = "journal.jsonl";

    private readonly SpoolSettings _settings;
    private readonly SegmentJournal _journal;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Camera, string File), SpoolSegment> _segments = new();

    public SegmentSpool(SpoolSettings settings, SegmentJournal journal, ILogger logger, TimeProvider time)
    {
        _settings = settings;
        _journal = journal;
        _logger = logger;
        _time = time;
    }

    public string Root => _settings.Path;

    /// <summary>Compact the journal once this many records were appended (it is also compacted at every start).</summary>
    public int CompactEvery { get; set; } = 10_000;

    private readonly Dictionary<string, ISegmentSubscriber> _subscribers = new(StringComparer.Ordinal);

    /// <summary>Wiring, before <see cref="Restore"/>: the destination that receives every admitted segment it is
    /// listed for, and that explains (in drop messages) why it has not taken one yet.</summary>
    public void Subscribe(ISegmentSubscriber destination)
    {
        lock (_lock) _subscribers[destination.Name] = destination;
    }

    public static string RecordingFolderOf(string spoolRoot, string camera) => Path.Combine(spoolRoot, camera, RecordingFolder);
    public static string QuarantineFolderOf(string spoolRoot, string camera) => Path.Combine(spoolRoot, camera, QuarantineFolder);

    public IReadOnlyList<SpoolSegment> Pending { get { lock (_lock) return _segments.Values.OrderBy(s => s.Start).ToList(); } }

    public long PendingBytes { get { lock (_lock) return _segments.Values.Sum(s => s.Size); } }

    public bool Contains(string camera, string fileName) { lock (_lock) return _segments.ContainsKey((camera, fileName)); }

    /// <summary>Re-creates the segments the journal still has work for (start-up). Returns them, oldest first.</summary>
    public IReadOnlyList<SpoolSegment> Restore(IReadOnlyList<JournalState> live)
    {
        var restored = new List<SpoolSegment>();
        foreach (var state in live)
        {
            var added = state.Added;
            var path = Path.Combine(RecordingFolderOf(Root, added.Camera), added.File);
            var segment = new SpoolSegment(added.Camera, path, added.Size ?? 0, added.Md5 ?? "",
                SegmentName.TryParseStart(added.File, out var start) ? start : added.At, added.Destinations ?? []);
            foreach (var (dest, key) in state.Verified) segment.SetVerified(dest, key);
            if (segment.Destinations.All(segment.IsVerified))
            {
                lock (_lock) _segments[(segment.Camera, segment.FileName)] = segment;
                Finish(segment); // crashed between the last verification and the removal
                continue;
            }
            if (!File.Exists(path))
            {
                _logger.LogWarning("{Camera}: segment {File} is in the journal but its file is gone; {Missing} never received it",
                    segment.Camera, segment.FileName, string.Join(", ", segment.Destinations.Where(d => !segment.IsVerified(d))));
                _journal.Append(JournalRecords.Dropped(segment, _time.GetUtcNow(), "local file missing at start-up"));
                continue;
            }
            lock (_lock) _segments[(segment.Camera, segment.FileName)] = segment;
            restored.Add(segment);
        }
        if (restored.Count > 0)
            _logger.LogInformation("Spool: resuming {Count} segment(s) the journal lists as not yet uploaded everywhere", restored.Count);
        foreach (var segment in restored) Publish(segment);
        return restored;
    }

    /// <summary>
    /// Takes a complete segment into the spool: hashes it, journals it (durably), applies the size cap, and
    /// publishes it to its destinations. Returns null when the segment is already known.
    /// </summary>
    public async Task<SpoolSegment?> AdmitAsync(string camera, string path, IReadOnlyList<string> destinations,
        CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(path);
        if (Contains(camera, fileName)) return null;
        var size = new FileInfo(path).Length;
        var md5 = await Checksums.ComputeFileAsync(path, ChecksumAlgorithms.Md5, cancellationToken).ConfigureAwait(false);
        var segment = new SpoolSegment(camera, path, size, md5.Hex, SegmentName.StartOf(path), destinations);
        lock (_lock)
        {
            if (_segments.ContainsKey((camera, fileName))) return null;
            _journal.Append(JournalRecords.Added(segment, _time.GetUtcNow()));
            _segments[(camera, fileName)] = segment;
        }
        EnforceCap(segment);
        if (!segment.IsGone) Publish(segment);
        return segment;
    }

    /// <summary>Records that <paramref name="destination"/> holds the segment at <paramref name="key"/>, verified.
    /// Returns false when the segment already left the spool. The caller then calls <see cref="FinishIfComplete"/>.</summary>
    public bool MarkVerified(SpoolSegment segment, string destination, string key)
    {
        lock (_lock)
        {
            if (segment.IsGone) return false;
            _journal.Append(JournalRecords.Verified(segment, _time.GetUtcNow(), destination, key));
            segment.SetVerified(destination, key);
            return true;
        }
    }

    /// <summary>Removes (or keeps) the local file once every destination verified the segment. Called after
    /// <see cref="MarkVerified"/> and the destination's publish stage, which may still read the local file.</summary>
    public void FinishIfComplete(SpoolSegment segment)
    {
        lock (_lock)
            if (segment.IsGone || !segment.Destinations.All(segment.IsVerified)) return;
        Finish(segment);
    }

    private void Finish(SpoolSegment segment)
    {
        lock (_lock)
        {
            if (segment.IsGone) return;
            // File first, journal second: a crash in between finds a verified entry without a file, which is fine.
            if (_settings.KeepLocal)
            {
                var kept = Path.Combine(Root, segment.Camera, KeptFolder);
                Directory.CreateDirectory(kept);
                if (File.Exists(segment.Path)) File.Move(segment.Path, Path.Combine(kept, segment.FileName), overwrite: true);
            }
            else
            {
                File.Delete(segment.Path);
            }
            _journal.Append(JournalRecords.Removed(segment, _time.GetUtcNow()));
            segment.MarkGone();
            _segments.Remove((segment.Camera, segment.FileName));
            CompactIfDue();
        }
        _logger.LogInformation("{Camera}: segment {File} local file {What} (all {Count} destination(s) verified)",
            segment.Camera, segment.FileName, _settings.KeepLocal ? "kept in " + KeptFolder + "/" : "removed", segment.Destinations.Count);
    }

    private void EnforceCap(SpoolSegment newest)
    {
        var cap = _settings.MaxSizeMb > 0 ? _settings.MaxSizeMb * 1024L * 1024L : long.MaxValue;
        var headroom = _settings.MinFreeMb * 1024L * 1024L;
        while (true)
        {
            SpoolSegment victim;
            long total;
            lock (_lock)
            {
                total = _segments.Values.Sum(s => s.Size);
                var free = headroom > 0 ? Recording.DiskSpace.FreeBytes(Root) : null;
                var overCap = total > cap;
                var diskLow = free is { } f && f < headroom;
                if (!overCap && !diskLow) return;
                var oldest = _segments.Values.Where(s => !ReferenceEquals(s, newest)).OrderBy(s => s.Start).FirstOrDefault();
                if (oldest is null) return; // only the newest segment left: keep it
                victim = oldest;
                _dropReason = overCap
                    ? string.Create(CultureInfo.InvariantCulture, $"spool over its {_settings.MaxSizeMb} MB cap ({total / 1048576.0:0.0} MB)")
                    : string.Create(CultureInfo.InvariantCulture, $"the spool disk has {free!.Value / 1048576.0:0.0} MB free, under spool.minFreeMb ({_settings.MinFreeMb} MB)");
            }
            var waitingFor = victim.Destinations.Where(d => !victim.IsVerified(d)).ToList();
            string why;
            lock (_lock)
                why = string.Join("; ", waitingFor.Select(d => _subscribers.TryGetValue(d, out var s) ? s.Describe() : $"'{d}' is not configured"));
            Drop(victim, $"{_dropReason} while {why}");
        }
    }

    private string _dropReason = "";

    private void Drop(SpoolSegment segment, string reason)
    {
        lock (_lock)
        {
            if (segment.IsGone) return;
            File.Delete(segment.Path); // file first: a crash in between leaves a journal entry whose file is gone
            _journal.Append(JournalRecords.Dropped(segment, _time.GetUtcNow(), reason));
            segment.MarkGone(); // cancels its uploads in flight: the drop frees their bandwidth
            _segments.Remove((segment.Camera, segment.FileName));
            CompactIfDue();
        }
        CamShareMetrics.SegmentDropped(segment.Camera);
        _logger.LogWarning("{Camera}: dropped segment {File} ({Size:0.0} MB), not uploaded to {Missing} (uploads of it in flight are cancelled): {Reason}",
            segment.Camera, segment.FileName, segment.Size / 1048576.0,
            string.Join(", ", segment.Destinations.Where(d => !segment.IsVerified(d))), reason);
    }

    // Called with _lock held, so no state change slips between the snapshot and the rename.
    private void CompactIfDue()
    {
        if (_journal.AppendsSinceCompaction < CompactEvery) return;
        _journal.Compact(_segments.Values.OrderBy(s => s.Start).Select(JournalRecords.StateOf).ToList());
    }

    private void Publish(SpoolSegment segment)
    {
        List<ISegmentSubscriber> targets;
        lock (_lock)
            targets = segment.Destinations.Where(d => !segment.IsVerified(d))
                .Select(d => _subscribers.GetValueOrDefault(d)).OfType<ISegmentSubscriber>().ToList();
        foreach (var target in targets) target.Offer(segment);
    }
}
