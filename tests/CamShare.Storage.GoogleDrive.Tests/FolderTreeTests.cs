using CamShare.Storage.GoogleDrive.Tests.Emulator;
using CamShare.Storage.GoogleDrive.Tests.Fixtures;
using Xunit;
using static CamShare.Storage.GoogleDrive.Tests.Content;

namespace CamShare.Storage.GoogleDrive.Tests;

/// <summary>Keys as folder trees: racing creators, duplicate folder names, and files.list lagging behind creates.</summary>
public sealed class FolderTreeTests(DriveEmulatorFixture fixture) : IClassFixture<DriveEmulatorFixture>
{
    [Fact]
    public async Task Racing_uploads_into_a_new_folder_tree_create_each_folder_once()
    {
        // files.list would not show a folder created by the other uploads: only in-process serialisation helps.
        fixture.Emulator.ListDelay = TimeSpan.FromDays(1);
        try
        {
            using var provider = fixture.Create();
            var puts = Enumerable.Range(0, 12).Select(i =>
                provider.PutAsync($"race/20240323/10/seg-{i}.mp4", Generated(1000 + i, 20 + i), null, Timeout()));
            await Task.WhenAll(puts);

            var race = Assert.Single(FoldersNamed(DriveEmulator.RootId, "race"));
            var day = Assert.Single(FoldersNamed(race, "20240323"));
            var hour = Assert.Single(FoldersNamed(day, "10"));
            Assert.Equal(12, fixture.Emulator.Children(hour).Count(c => !c.IsFolder));
        }
        finally
        {
            fixture.Emulator.ListDelay = TimeSpan.Zero;
            fixture.Emulator.CatchUpListing();
        }
        using var fresh = fixture.Create();
        Assert.Equal(12, await fresh.ListAsync("race/", Timeout()).CountAsync(Timeout()));
    }

    [Fact]
    public async Task With_duplicate_folders_the_oldest_is_used_every_time()
    {
        var older = fixture.Emulator.SeedFolder(DriveEmulator.RootId, "dup", DateTimeOffset.UtcNow.AddHours(-2));
        var newer = fixture.Emulator.SeedFolder(DriveEmulator.RootId, "dup", DateTimeOffset.UtcNow.AddHours(-1));

        using (var first = fixture.Create())
            await first.PutAsync("dup/a.mp4", Generated(10, 30), null, Timeout());
        using (var second = fixture.Create())
        {
            await second.PutAsync("dup/b.mp4", Generated(10, 31), null, Timeout());
            Assert.Equal(["dup/a.mp4", "dup/b.mp4"],
                (await second.ListAsync("dup/", Timeout()).ToListAsync(Timeout())).Select(o => o.Key).Order());
        }
        Assert.Equal(2, fixture.Emulator.Children(older).Count);
        Assert.Empty(fixture.Emulator.Children(newer));
    }

    [Fact]
    public async Task A_put_is_readable_and_replaceable_even_before_files_list_shows_it()
    {
        fixture.Emulator.ListDelay = TimeSpan.FromDays(1);
        try
        {
            using var provider = fixture.Create();
            await provider.PutAsync("lag/seg.mp4", Generated(5000, 40), null, Timeout());
            Assert.Equal(5000, (await provider.StatAsync("lag/seg.mp4", Timeout())).Size);
            await provider.PutAsync("lag/seg.mp4", Generated(7000, 41), null, Timeout());

            Assert.Equal(7000, (await provider.StatAsync("lag/seg.mp4", Timeout())).Size);
            Assert.Equal(Md5(7000, 41), await Md5Async(provider, "lag/seg.mp4"));
            var lag = Assert.Single(FoldersNamed(DriveEmulator.RootId, "lag"));
            Assert.Single(fixture.Emulator.Children(lag)); // replaced, not duplicated
        }
        finally
        {
            fixture.Emulator.ListDelay = TimeSpan.Zero;
            fixture.Emulator.CatchUpListing();
        }
    }

    [Fact]
    public async Task An_overwrite_keeps_the_file_id_and_removes_same_named_duplicates()
    {
        using var provider = fixture.Create();
        await provider.PutAsync("over/seg.mp4", Generated(100, 50), null, Timeout());
        var folder = Assert.Single(FoldersNamed(DriveEmulator.RootId, "over"));
        var id = Assert.Single(fixture.Emulator.Children(folder)).Id;

        using var other = fixture.Create(); // another process: it does not share the first one's cache
        await other.PutAsync("over/seg.mp4", Generated(200, 51), null, Timeout());

        var file = Assert.Single(fixture.Emulator.Children(folder));
        Assert.Equal(id, file.Id);
        Assert.Equal(Md5(200, 51), await Md5Async(provider, "over/seg.mp4"));
    }

    private IEnumerable<string> FoldersNamed(string parent, string name) =>
        fixture.Emulator.Children(parent).Where(c => c.IsFolder && c.Name == name && !c.Trashed).Select(c => c.Id);
}
