using CamShare.Abstractions;
using CamShare.Core.Configuration;

namespace CamShare.Core.Retention;

/// <summary>
/// Plans one storage's retention from its listing: recognises CamShare's own segments (everything else is
/// ignored as it streams by, so a bucket full of foreign objects costs no memory), then deletes those older than
/// <c>days</c>, then the oldest until the rest fits in <c>maxGb</c>.
/// </summary>
/// <remarks>The newest segment of each camera is never deleted: a storage always shows when each camera last
/// recorded, and a clock that jumped ahead (or a camera that stopped long ago) never empties it.</remarks>
public sealed class RetentionPlanner(SegmentKeyRecognizer recognizer, IStoredKeyDecoder decoder)
{
    public async Task<RetentionPlan> PlanAsync(IStorageProvider provider, RetentionSettings settings, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var segments = new List<RecognizedSegment>();
        long listed = 0, temporaries = 0;
        var prefixes = decoder.KeepsPrefixes ? recognizer.ListPrefixes() : [""];
        foreach (var prefix in prefixes)
            await foreach (var item in provider.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                listed++;
                if (StorageKeys.IsTemporary(item.Key)) { temporaries++; continue; }
                if (decoder.PlainKeyOf(item.Key) is not { } plain || !recognizer.TryRecognize(plain, out var camera, out var start)) continue;
                segments.Add(new RecognizedSegment(item.Key, plain, camera, start, item.Size));
            }
        return Plan(segments, settings, now, listed, temporaries);
    }

    /// <summary>The rules alone, on segments already recognised.</summary>
    public static RetentionPlan Plan(IEnumerable<RecognizedSegment> recognized, RetentionSettings settings, DateTimeOffset now,
        long listed, long temporaries)
    {
        var oldestFirst = recognized.OrderBy(s => s.Start.UtcTicks).ThenBy(s => s.StoredKey, StringComparer.Ordinal).ToList();
        var newest = oldestFirst.GroupBy(s => s.Camera).Select(g => g.Last()).ToHashSet();
        var deletions = new List<PlannedDeletion>();
        var kept = new List<RecognizedSegment>();
        if (settings.Days is { } days)
        {
            var cutoff = now.AddDays(-days);
            foreach (var segment in oldestFirst)
                if (segment.Start < cutoff && !newest.Contains(segment)) deletions.Add(new PlannedDeletion(segment, DeletionReason.OlderThanDays));
                else kept.Add(segment);
        }
        else kept.AddRange(oldestFirst);

        if (settings.MaxBytes is { } cap)
        {
            var total = kept.Sum(s => s.Size);
            var remaining = new List<RecognizedSegment>();
            foreach (var segment in kept)
            {
                if (total > cap && !newest.Contains(segment))
                {
                    deletions.Add(new PlannedDeletion(segment, DeletionReason.OverSizeCap));
                    total -= segment.Size;
                }
                else remaining.Add(segment);
            }
            kept = remaining;
        }
        return new RetentionPlan(deletions, kept, listed, temporaries);
    }
}
