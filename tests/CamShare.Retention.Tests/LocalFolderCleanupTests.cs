using CamShare.Core.Configuration;
using CamShare.Core.Retention;
using CamShare.Retention.Tests.Support;
using Xunit;

namespace CamShare.Retention.Tests;

/// <summary>On the local provider the emptied date and hour folders are really gone, and no other folder is.</summary>
public sealed class LocalFolderCleanupTests(LocalFolderFixture fixture) : IClassFixture<LocalFolderFixture>
{
    [Fact]
    public async Task Folders_emptied_by_a_prune_are_removed_and_folders_with_foreign_files_stay()
    {
        var storage = ScopedStorage.Create(fixture.CreateProvider(), "cleanup");
        var root = Path.Combine(fixture.Root, "cleanup");
        var seeded = await SeededRemote.SeedAsync(storage);
        var cutoff = SeededRemote.Now.AddDays(-10);
        var oldDays = seeded.Segments.Where(s => s.Start < cutoff).Select(s => $"{s.Camera}/{s.Start:yyyyMMdd}").Distinct().ToList();
        var keptDays = seeded.Segments.Where(s => s.Start >= cutoff).Select(s => $"{s.Camera}/{s.Start:yyyyMMdd}").ToHashSet();
        var emptiedDays = oldDays.Where(d => !keptDays.Contains(d) && !seeded.Foreign.Any(f => f.StartsWith(d + "/", StringComparison.Ordinal))).ToList();
        Assert.True(emptiedDays.Count >= 30, $"only {emptiedDays.Count} day folders to empty");
        Assert.All(emptiedDays, d => Assert.True(Directory.Exists(Path.Combine(root, d))));

        var pruner = new RetentionPruner(storage, new SegmentKeyRecognizer(SeededRemote.Template, SeededRemote.Cameras), PlainStoredKeys.Instance);
        var result = await pruner.PruneAsync(new RetentionSettings { Days = 10 }, SeededRemote.Now, dryRun: false, null, SeededRemote.Timeout());

        Assert.Null(result.Failure);
        Assert.All(emptiedDays, d => Assert.False(Directory.Exists(Path.Combine(root, d)), $"{d} is still there"));
        Assert.True(Directory.Exists(Path.Combine(root, seeded.FolderWithForeignFile)), "the hour folder holding notes.txt was removed");
        Assert.True(File.Exists(Path.Combine(root, seeded.FolderWithForeignFile, "notes.txt")));
        Assert.True(Directory.Exists(Path.Combine(root, "porch", "misc")));
        Assert.True(Directory.Exists(Path.Combine(root, "porch")) && Directory.Exists(Path.Combine(root, "garage"))); // camera folders stay
        // Every folder left under a camera holds a file somewhere below it.
        foreach (var folder in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
            Assert.NotEmpty(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories));
        Assert.True(result.FoldersRemoved >= emptiedDays.Count, $"{result.FoldersRemoved} folders reported removed");
    }
}

/// <summary>The same through the real rclone binary on a local remote (rclone rmdir).</summary>
public sealed class RcloneFolderCleanupTests(CamShare.Storage.Rclone.Tests.LocalRemoteFixture fixture)
    : IClassFixture<CamShare.Storage.Rclone.Tests.LocalRemoteFixture>
{
    [Fact]
    public async Task Folders_emptied_by_a_prune_are_removed_on_an_rclone_remote()
    {
        var scope = $"cleanup-{Guid.NewGuid():N}"[..16];
        var storage = ScopedStorage.Create(fixture.CreateProvider(), scope);
        var root = Path.Combine(fixture.Root, scope);
        var seeded = await SeededRemote.SeedAsync(storage, days: 6, perDay: 1);
        var cutoff = SeededRemote.Now.AddDays(-3);
        var emptied = seeded.Segments.Where(s => s.Start < cutoff).Select(s => $"{s.Camera}/{s.Start:yyyyMMdd}")
            .Where(d => !seeded.Segments.Any(s => s.Start >= cutoff && s.Key.StartsWith(d + "/", StringComparison.Ordinal)))
            .Where(d => !seeded.Foreign.Any(f => f.StartsWith(d + "/", StringComparison.Ordinal))).Distinct().ToList();
        Assert.NotEmpty(emptied);
        Assert.All(emptied, d => Assert.True(Directory.Exists(Path.Combine(root, d))));

        var pruner = new RetentionPruner(storage, new SegmentKeyRecognizer(SeededRemote.Template, SeededRemote.Cameras), PlainStoredKeys.Instance);
        var result = await pruner.PruneAsync(new RetentionSettings { Days = 3 }, SeededRemote.Now, dryRun: false, null, SeededRemote.Timeout());

        Assert.Null(result.Failure);
        Assert.All(emptied, d => Assert.False(Directory.Exists(Path.Combine(root, d)), $"{d} is still there"));
        Assert.True(File.Exists(Path.Combine(root, seeded.FolderWithForeignFile, "notes.txt")));
    }
}
