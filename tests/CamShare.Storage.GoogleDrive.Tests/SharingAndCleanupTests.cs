using CamShare.Abstractions;
using CamShare.Storage.GoogleDrive.Tests.Emulator;
using CamShare.Storage.GoogleDrive.Tests.Fixtures;
using Xunit;
using static CamShare.Storage.GoogleDrive.Tests.Content;

namespace CamShare.Storage.GoogleDrive.Tests;

/// <summary>Folder sharing, share links (only when allowed), delete to trash, and removing emptied folders.</summary>
public sealed class SharingAndCleanupTests(DriveEmulatorFixture fixture) : IClassFixture<DriveEmulatorFixture>
{
    [Fact]
    public async Task Sharing_a_folder_grants_readers_once()
    {
        using var provider = fixture.Create();
        await provider.PutAsync("shared/porch/a.mp4", Generated(10, 1), null, Timeout());

        var first = await provider.ShareFolderAsync("shared/porch", ["alice@example.org", "bob@example.org"], Timeout());
        var second = await provider.ShareFolderAsync("shared/porch", ["Alice@example.org"], Timeout());

        Assert.All(first, line => Assert.Contains("may now read", line));
        Assert.Contains("already has access", Assert.Single(second));
        var folder = fixture.Emulator.Children(DriveEmulator.RootId).Single(c => c.Name == "shared").Id;
        var porch = fixture.Emulator.Children(folder).Single(c => c.Name == "porch").Id;
        Assert.Equal(["alice@example.org", "bob@example.org"], fixture.Emulator.Grantees(porch).Order());
        await Assert.ThrowsAsync<StorageNotFoundException>(() => provider.ShareFolderAsync("no/such", ["a@b.c"], Timeout()));
    }

    [Fact]
    public async Task Share_links_are_refused_unless_anyone_with_the_link_is_allowed()
    {
        using var provider = fixture.Create();
        await provider.PutAsync("links/a.mp4", Generated(10, 2), null, Timeout());
        var refused = await Assert.ThrowsAsync<NotSupportedException>(() =>
            provider.CreateShareLinkAsync("links/a.mp4", TimeSpan.FromHours(1), Timeout()));
        Assert.Contains("allowAnyoneWithLink", refused.Message);

        using var allowed = fixture.Create(o => o.AllowAnyoneWithLink = true);
        var link = await allowed.CreateShareLinkAsync("links/a.mp4", TimeSpan.FromHours(1), Timeout());
        using var anonymous = new HttpClient();
        Assert.Equal(10, (await anonymous.GetByteArrayAsync(link, Timeout())).Length);
    }

    [Fact]
    public async Task Delete_in_trash_mode_moves_to_the_trash_and_hides_the_object()
    {
        using var provider = fixture.Create(o => o.DeleteMode = DriveDeleteMode.Trash);
        await provider.PutAsync("trash/a.mp4", Generated(10, 3), null, Timeout());
        await provider.DeleteAsync("trash/a.mp4", Timeout());

        var folder = fixture.Emulator.Children(DriveEmulator.RootId).Single(c => c.Name == "trash").Id;
        Assert.True(Assert.Single(fixture.Emulator.Children(folder)).Trashed);
        Assert.Empty(await provider.ListAsync("trash/", Timeout()).ToListAsync(Timeout()));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => provider.StatAsync("trash/a.mp4", Timeout()));
        await provider.DeleteAsync("trash/a.mp4", Timeout()); // idempotent
    }

    [Fact]
    public async Task An_emptied_folder_is_removed_and_a_full_one_or_the_root_is_kept()
    {
        using var provider = fixture.Create();
        await provider.PutAsync("cleanup/day1/a.mp4", Generated(10, 4), null, Timeout());
        await provider.PutAsync("cleanup/day2/b.mp4", Generated(10, 5), null, Timeout());
        await provider.DeleteAsync("cleanup/day1/a.mp4", Timeout());

        await provider.RemoveFolderIfEmptyAsync("cleanup/day1", Timeout());
        await provider.RemoveFolderIfEmptyAsync("cleanup/day2", Timeout());
        await provider.RemoveFolderIfEmptyAsync("cleanup/absent", Timeout());
        await provider.RemoveFolderIfEmptyAsync("", Timeout());

        var cleanup = fixture.Emulator.Children(DriveEmulator.RootId).Single(c => c.Name == "cleanup").Id;
        Assert.Equal(["day2"], fixture.Emulator.Children(cleanup).Select(c => c.Name));
        await provider.PutAsync("cleanup/day1/c.mp4", Generated(10, 6), null, Timeout()); // its cached ID was forgotten
        Assert.Equal(2, await provider.ListAsync("cleanup/", Timeout()).CountAsync(Timeout()));
    }
}
