using CamShare.Abstractions;
using CamShare.Core.Configuration;
using CamShare.Core.Retention;
using CamShare.Retention.Tests.Support;
using CamShare.Storage.Conformance;
using Xunit;

namespace CamShare.Retention.Tests;

/// <summary>
/// Retention against one real backend: a seeded month of segments for two cameras plus foreign objects, pruned
/// by days and by size, with a dry run first. A backend joins with one line (its server fixture). Every test
/// works in its own sub-folder of the storage and asserts the exact set of keys that survive.
/// </summary>
public abstract class RetentionSuite<TFixture> : IClassFixture<TFixture>, IAsyncLifetime where TFixture : StorageProviderFixture
{
    private readonly IStorageProvider _provider;
    private readonly bool _listsDotNames;

    protected RetentionSuite(TFixture fixture)
    {
        _listsDotNames = fixture.HidesDotNames is null;
        _provider = fixture.CreateProvider();
        Storage = ScopedStorage.Create(_provider, $"retention-{Guid.NewGuid():N}"[..20]);
    }

    protected ScopedStorage Storage { get; }

    /// <summary>Segments a day per camera; a backend whose every call starts a process (rclone) seeds fewer.</summary>
    protected virtual int SegmentsPerDay => 4;

    private static readonly SegmentKeyRecognizer Recognizer = new(SeededRemote.Template, SeededRemote.Cameras);

    private RetentionPruner Pruner => new(Storage, Recognizer, PlainStoredKeys.Instance);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    // A server that hides names starting with '.' (nginx) never lists the seeded temporary: expect what it shows.
    private SortedSet<string> Visible(IEnumerable<string> keys) =>
        SeededRemote.Sorted(keys.Where(k => _listsDotNames || !StorageKeys.IsTemporary(k)));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await foreach (var item in Storage.ListAsync("", SeededRemote.Timeout())) await Storage.DeleteAsync(item.Key, SeededRemote.Timeout());
        }
        catch (StorageException)
        {
        }
        if (_provider is IAsyncDisposable a) await a.DisposeAsync();
        else (_provider as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task A_dry_run_deletes_nothing_and_the_prune_then_deletes_exactly_what_it_listed()
    {
        var seeded = await SeededRemote.SeedAsync(Storage, perDay: SegmentsPerDay);
        var settings = new RetentionSettings { Days = 10 };
        var cutoff = SeededRemote.Now.AddDays(-10);
        var expectedDeleted = SeededRemote.Sorted(seeded.Segments.Where(s => s.Start < cutoff).Select(s => s.Key));
        Assert.InRange(expectedDeleted.Count, 2 * 20 * SegmentsPerDay, 2 * 22 * SegmentsPerDay); // 21 of 31 days, two cameras

        var wouldDelete = new List<string>();
        var dry = await Pruner.PruneAsync(settings, SeededRemote.Now, dryRun: true, d => wouldDelete.Add(d.Segment.StoredKey), SeededRemote.Timeout());
        Assert.Null(dry.Failure);
        Assert.Equal(expectedDeleted, SeededRemote.Sorted(wouldDelete));
        Assert.Equal(Visible(seeded.AllKeys), await SeededRemote.KeysAsync(Storage)); // nothing deleted
        Assert.Equal(0, dry.Deleted);

        var deleted = new List<string>();
        var result = await Pruner.PruneAsync(settings, SeededRemote.Now, dryRun: false, d => deleted.Add(d.Segment.StoredKey), SeededRemote.Timeout());
        Assert.Null(result.Failure);
        Assert.Equal(wouldDelete, deleted);
        Assert.Equal(expectedDeleted.Count, result.Deleted);
        Assert.Equal(seeded.Segments.Where(s => s.Start < cutoff).Sum(s => s.Size), result.DeletedBytes);
        var survivors = seeded.Segments.Where(s => s.Start >= cutoff).Select(s => s.Key).Concat(seeded.Foreign);
        Assert.Equal(Visible(survivors), await SeededRemote.KeysAsync(Storage));
        Assert.Equal(_listsDotNames ? 1 : 0, result.Plan.Temporaries); // left to the pipeline's temporary sweeper
    }

    [Fact]
    public async Task The_size_cap_deletes_the_oldest_segments_until_the_rest_fits()
    {
        var seeded = await SeededRemote.SeedAsync(Storage, perDay: SegmentsPerDay);
        var settings = new RetentionSettings { MaxGb = seeded.SegmentBytes * 0.3 / RetentionSettings.BytesPerGb };
        var cap = settings.MaxBytes!.Value;
        // Expected by hand: the newest segments whose sizes add up to at most the cap.
        var kept = new List<SeededSegment>();
        long total = 0;
        foreach (var segment in seeded.Segments.AsEnumerable().Reverse())
        {
            if (total + segment.Size > cap) break;
            kept.Add(segment);
            total += segment.Size;
        }
        var expectedDeleted = seeded.Segments.Except(kept).ToList();

        var deleted = new List<RecognizedSegment>();
        var result = await Pruner.PruneAsync(settings, SeededRemote.Now, dryRun: false, d => deleted.Add(d.Segment), SeededRemote.Timeout());
        Assert.Null(result.Failure);
        Assert.Equal(expectedDeleted.Select(s => s.Key), deleted.Select(d => d.StoredKey)); // oldest first
        Assert.All(result.Plan.Deletions, d => Assert.Equal(DeletionReason.OverSizeCap, d.Reason));
        Assert.True(result.Plan.KeptBytes <= cap, $"{result.Plan.KeptBytes} kept > cap {cap}");
        Assert.Equal(Visible(kept.Select(s => s.Key).Concat(seeded.Foreign)), await SeededRemote.KeysAsync(Storage));
    }

    [Fact]
    public async Task Days_and_size_together_apply_both_and_a_second_prune_finds_nothing()
    {
        var seeded = await SeededRemote.SeedAsync(Storage, days: 12, perDay: SegmentsPerDay);
        var settings = new RetentionSettings { Days = 7, MaxGb = seeded.SegmentBytes * 0.25 / RetentionSettings.BytesPerGb };
        var first = await Pruner.PruneAsync(settings, SeededRemote.Now, dryRun: false, null, SeededRemote.Timeout());
        Assert.Null(first.Failure);
        Assert.Contains(first.Plan.Deletions, d => d.Reason == DeletionReason.OlderThanDays);
        Assert.Contains(first.Plan.Deletions, d => d.Reason == DeletionReason.OverSizeCap);
        Assert.True(first.Plan.KeptBytes <= settings.MaxBytes);

        var second = await Pruner.PruneAsync(settings, SeededRemote.Now, dryRun: false, null, SeededRemote.Timeout());
        Assert.Null(second.Failure);
        Assert.Equal(0, second.Deleted);
        Assert.Equal(first.Plan.Kept.Count, second.Plan.Kept.Count);
        var left = await SeededRemote.KeysAsync(Storage);
        Assert.Equal(Visible(first.Plan.Kept.Select(k => k.StoredKey).Concat(seeded.Foreign)), left);
    }
}
