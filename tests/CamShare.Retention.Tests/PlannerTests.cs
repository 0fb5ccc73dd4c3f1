using CamShare.Abstractions;
using CamShare.Core.Configuration;
using CamShare.Core.Retention;
using CamShare.Crypt;
using CamShare.Retention.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CamShare.Retention.Tests;

public sealed class PlannerTests
{
    private static readonly SegmentKeyRecognizer Recognizer = new(SeededRemote.Template, SeededRemote.Cameras);

    private static IEnumerable<StoredObject> Month() =>
        SeededRemote.Plan().Select(s => new StoredObject(s.Key, s.Size, null));

    [Fact]
    public async Task The_newest_segment_of_each_camera_is_never_deleted()
    {
        var storage = new SyntheticListing(Month);
        var plan = await new RetentionPlanner(Recognizer, PlainStoredKeys.Instance)
            .PlanAsync(storage, new RetentionSettings { Days = 1, MaxGb = 1e-9 }, SeededRemote.Now.AddDays(400), SeededRemote.Timeout());
        var newest = SeededRemote.Plan().GroupBy(s => s.Camera).Select(g => g.MaxBy(s => s.Start.UtcTicks)!.Key).Order().ToList();
        Assert.Equal(newest, plan.Kept.Select(k => k.StoredKey).Order().ToList());
        Assert.Equal(SeededRemote.Plan().Count - 2, plan.Deletions.Count);
    }

    [Fact]
    public async Task A_listing_of_many_foreign_objects_is_streamed_and_only_our_segments_are_kept_in_memory()
    {
        const int foreign = 200_000;
        var storage = new SyntheticListing(() => Month().Concat(Enumerable.Range(0, foreign)
            .Select(i => new StoredObject($"porch/20240301/06/foreign-{i:D7}.jpg", 1000, null))));
        var plan = await new RetentionPlanner(Recognizer, PlainStoredKeys.Instance)
            .PlanAsync(storage, new RetentionSettings { Days = 10 }, SeededRemote.Now, SeededRemote.Timeout());
        Assert.Equal(foreign, plan.Foreign);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var alive = storage.HandedOut.Count(w => w.TryGetTarget(out _));
        // The listing's own objects are all collectable: the plan holds only what it recognised (as its own records).
        Assert.True(alive <= 1, $"{alive} of {storage.HandedOut.Count} listed objects are still referenced");
        Assert.Equal(SeededRemote.Plan().Count, plan.Deletions.Count + plan.Kept.Count);
    }

    [Fact]
    public async Task An_encrypted_storage_is_recognised_through_its_decoder_and_the_stored_key_is_deleted()
    {
        // A stand-in cipher (reversed names) shows the seam: listing is not narrowed, stored keys are deleted.
        static string Encrypt(string key) => string.Join('/', key.Split('/').Select(p => new string(p.Reverse().ToArray()) + ".x"));
        static string? Decrypt(string key) => key.Split('/').All(p => p.EndsWith(".x", StringComparison.Ordinal))
            ? string.Join('/', key.Split('/').Select(p => new string(p[..^2].Reverse().ToArray())))
            : null;
        var storage = new SyntheticListing(() => Month().Select(o => o with { Key = Encrypt(o.Key) }).Append(new StoredObject("plain/foreign.txt", 5, null)));
        var pruner = new RetentionPruner(storage, Recognizer, new FunctionStoredKeyDecoder(Decrypt));
        var result = await pruner.PruneAsync(new RetentionSettings { Days = 10 }, SeededRemote.Now, dryRun: false, null, SeededRemote.Timeout());
        var expected = SeededRemote.Plan().Where(s => s.Start < SeededRemote.Now.AddDays(-10)).Select(s => Encrypt(s.Key)).Order().ToList();
        Assert.Equal(expected, storage.Deleted.Order().ToList());
        Assert.Equal(1, result.Plan.Foreign);
    }

    [Theory]
    [InlineData(FileNameEncryption.Standard, true)]
    [InlineData(FileNameEncryption.Standard, false)]
    [InlineData(FileNameEncryption.Off, true)]
    public async Task An_rclone_crypt_storage_is_pruned_through_its_own_name_cipher(FileNameEncryption mode, bool directories)
    {
        Assert.Same(PlainStoredKeys.Instance, StoredKeyDecoders.For(new StorageSettings { Name = "nas" }));
        var encryption = new EncryptionSettings { Password = "retention-pw", FilenameEncryption = mode, DirectoryNameEncryption = directories };
        var decoder = StoredKeyDecoders.For(new StorageSettings { Name = "nas", Encryption = encryption });
        var names = encryption.CreateCipher().Names;
        // The names the transform stores, plus one that does not decrypt (another password's, or foreign).
        var other = new EncryptionSettings { Password = "another-pw", FilenameEncryption = mode, DirectoryNameEncryption = directories }.CreateCipher().Names;
        var storage = new SyntheticListing(() => Month().Select(o => o with { Key = names.EncryptFilePath(o.Key) })
            .Append(new StoredObject(other.EncryptFilePath("porch/20240101/00/20240101T000000+0000.mp4"), 5, null)));
        var pruner = new RetentionPruner(storage, Recognizer, decoder!);
        await pruner.PruneAsync(new RetentionSettings { Days = 10 }, SeededRemote.Now, dryRun: false, null, SeededRemote.Timeout());
        var expected = SeededRemote.Plan().Where(s => s.Start < SeededRemote.Now.AddDays(-10)).Select(s => names.EncryptFilePath(s.Key)).ToList();
        // With names off, a name says nothing about the password: an old segment by its name is old by its name.
        if (mode == FileNameEncryption.Off) expected.Add(other.EncryptFilePath("porch/20240101/00/20240101T000000+0000.mp4"));
        expected.Sort(StringComparer.Ordinal);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, storage.Deleted.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(mode == FileNameEncryption.Off || !directories, decoder!.KeepsPrefixes);
    }

    [Fact]
    public async Task A_failing_sweep_is_logged_with_its_class_and_never_throws()
    {
        var storage = new SyntheticListing(Month) { Failure = new StorageAuthenticationException("403 from the server") };
        var log = new ListLogger();
        var sweeper = new RetentionSweeper("cloud", new RetentionPruner(storage, Recognizer, PlainStoredKeys.Instance),
            new RetentionSettings { Days = 10 }, log, TimeProvider.System, TimeSpan.Zero);
        await sweeper.SweepOnceAsync(SeededRemote.Timeout());
        Assert.Equal(1, sweeper.Sweeps);
        var line = Assert.Single(log.Lines);
        Assert.Contains("retention 'cloud': FAILED after deleting 0 segment(s)", line);
        Assert.Contains("authentication failed", line);
        Assert.Contains("403 from the server", line);
        Assert.Empty(storage.Deleted);

        storage.Failure = null;
        await sweeper.SweepOnceAsync(SeededRemote.Timeout());
        Assert.StartsWith("retention 'cloud': deleted ", log.Lines[1]);
        Assert.Equal(sweeper.LastResult!.Deleted, storage.Deleted.Count);
        Assert.True(storage.Deleted.Count > 100);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
