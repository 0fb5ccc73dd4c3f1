using System.Security.Cryptography;
using System.Text.Json;

namespace CamShare.Viewer;

/// <summary>
/// Keeps one camera's viewer up to date on one destination: the page, and the encrypted index objects that
/// list every verified segment. One instance per camera and destination; calls are serialised. A day's object
/// is written before days.bin, so days.bin never lists a day the page cannot open.
/// </summary>
public sealed class ViewerIndexWriter(string camera, int segmentSeconds, ReadOnlyMemory<byte> dataKey,
    IViewerObjectStore store, TimeProvider? time = null)
{
    private readonly byte[] _key = dataKey.Length == ShareLink.KeyLength
        ? dataKey.ToArray() : throw new ArgumentException("the data key must be 32 bytes", nameof(dataKey));
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, ViewerDay> _days = [];
    private ViewerIndex? _index;

    /// <summary>Uploads view.html (unencrypted; it holds no secret).</summary>
    public Task PublishPageAsync(CancellationToken cancellationToken) =>
        store.WriteAsync(ViewerPage.FileName, ViewerPage.Bytes, ViewerPage.ContentType, cancellationToken);

    /// <summary>Lists a verified segment (replacing one with the same path) and rewrites its day and days.bin.</summary>
    public Task AddSegmentAsync(ViewerSegment segment, CancellationToken cancellationToken) =>
        UpdateAsync(ViewerDay.NameOf(segment.Start), day => day.WithSegment(segment), cancellationToken);

    /// <summary>Unlists a segment (retention removed it). A day left empty stays listed, with no segments.</summary>
    public Task RemoveSegmentAsync(string day, string path, CancellationToken cancellationToken) =>
        UpdateAsync(day, d => d with { Segments = d.Segments.Where(s => s.Path != path).ToList() }, cancellationToken);

    private async Task UpdateAsync(string dayName, Func<ViewerDay, ViewerDay> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var index = _index ?? await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
            var day = change(await DayAsync(dayName, cancellationToken).ConfigureAwait(false));
            await WriteAsync(ViewerPaths.DayObject(dayName), ViewerJson.Serialize(day), cancellationToken).ConfigureAwait(false);
            _days[dayName] = day;
            index = index.WithDay(dayName, _time.GetUtcNow()) with { Camera = camera, SegmentSeconds = segmentSeconds };
            await WriteAsync(ViewerPaths.DaysObject, ViewerJson.Serialize(index), cancellationToken).ConfigureAwait(false);
            _index = index;
        }
        finally { _gate.Release(); }
    }

    private async Task<ViewerDay> DayAsync(string day, CancellationToken cancellationToken)
    {
        if (_days.TryGetValue(day, out var known)) return known;
        var stored = await ReadAsync(ViewerPaths.DayObject(day), cancellationToken).ConfigureAwait(false);
        return stored is null ? new ViewerDay(day, []) : ViewerJson.DeserializeDay(stored);
    }

    private async Task<ViewerIndex> ReadIndexAsync(CancellationToken cancellationToken)
    {
        var stored = await ReadAsync(ViewerPaths.DaysObject, cancellationToken).ConfigureAwait(false);
        return stored is null
            ? new ViewerIndex(camera, segmentSeconds, _time.GetUtcNow(), [])
            : ViewerJson.DeserializeIndex(stored);
    }

    /// <summary>An existing index object, decrypted; null when there is none. One that another key wrote, or
    /// that is damaged, is started afresh: the storage's segments are the truth, the index only lists them.</summary>
    private async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is null) return null;
        try
        {
            var plain = RcloneCryptFormat.Decrypt(stored, _key);
            using var _ = JsonDocument.Parse(plain);
            return plain;
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return null;
        }
    }

    private Task WriteAsync(string key, byte[] plain, CancellationToken cancellationToken) =>
        store.WriteAsync(key, RcloneCryptFormat.Encrypt(plain, _key), "application/octet-stream", cancellationToken);
}
