using System.Text;
using CamShare.Viewer.Tests.Fixtures;

namespace CamShare.Viewer.Tests;

/// <summary>The host's side of the index: what ViewerIndexWriter writes, rclone reads, and so does the page.</summary>
public sealed class ViewerIndexWriterTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("camshare-viewer-writer-").FullName;
    private RcloneCrypt _rclone = null!;

    public async ValueTask InitializeAsync() => _rclone = await RcloneCrypt.CreateAsync(Path.Combine(_folder, "porch"), "writer pässword");

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ViewerSegment At(string day, int hour, string path) =>
        new(new DateTimeOffset(int.Parse(day[..4]), int.Parse(day[4..6]), int.Parse(day[6..]), hour, 0, 0, TimeSpan.FromHours(-5)),
            300, path, 1000, "avc1.42E01E, mp4a.40.2");

    [Fact]
    public async Task Writes_the_page_and_indexes_that_rclone_decrypts_day_before_days()
    {
        var store = new FolderObjectStore(_rclone.EncryptedRoot);
        var writer = new ViewerIndexWriter("porch", 300, _rclone.DataKey, store);

        await writer.PublishPageAsync(Ct);
        await writer.AddSegmentAsync(At("20240323", 10, "20240323/10/b.mp4.bin"), Ct);
        await writer.AddSegmentAsync(At("20240323", 9, "20240323/09/a.mp4.bin"), Ct);
        await writer.AddSegmentAsync(At("20240322", 23, "20240322/23/z.mp4.bin"), Ct);

        Assert.Equal(ViewerPage.Bytes.ToArray(), await File.ReadAllBytesAsync(Path.Combine(_rclone.EncryptedRoot, "view.html"), Ct));
        Assert.Equal(["view.html", "camshare-index/20240323.bin", "camshare-index/days.bin"], store.Writes.Take(3));
        var index = ViewerJson.DeserializeIndex(await _rclone.CatAsync("camshare-index/days"));
        Assert.Equal(("porch", 300), (index.Camera, index.SegmentSeconds));
        Assert.Equal(["20240322", "20240323"], index.Days);
        var day = ViewerJson.DeserializeDay(await _rclone.CatAsync("camshare-index/20240323"));
        Assert.Equal(["20240323/09/a.mp4.bin", "20240323/10/b.mp4.bin"], day.Segments.Select(s => s.Path));
        Assert.Contains("\"t\":\"2024-03-23T09:00:00-05:00\"", Encoding.UTF8.GetString(ViewerJson.Serialize(day)));
    }

    [Fact]
    public async Task A_new_writer_carries_on_from_what_is_stored_and_removes_a_segment()
    {
        var store = new FolderObjectStore(_rclone.EncryptedRoot);
        await new ViewerIndexWriter("porch", 300, _rclone.DataKey, store).AddSegmentAsync(At("20240323", 9, "a"), Ct);

        var restarted = new ViewerIndexWriter("porch", 300, _rclone.DataKey, store);
        await restarted.AddSegmentAsync(At("20240323", 10, "b"), Ct);
        await restarted.RemoveSegmentAsync("20240323", "a", Ct);

        var day = ViewerJson.DeserializeDay(await _rclone.CatAsync("camshare-index/20240323"));
        Assert.Equal(["b"], day.Segments.Select(s => s.Path));
    }

    [Fact]
    public async Task An_index_under_another_key_is_started_afresh()
    {
        var store = new FolderObjectStore(_rclone.EncryptedRoot);
        await new ViewerIndexWriter("porch", 300, new byte[32], store).AddSegmentAsync(At("20240323", 9, "old"), Ct);

        await new ViewerIndexWriter("porch", 300, _rclone.DataKey, store).AddSegmentAsync(At("20240323", 10, "new"), Ct);

        var day = ViewerJson.DeserializeDay(await _rclone.CatAsync("camshare-index/20240323"));
        Assert.Equal(["new"], day.Segments.Select(s => s.Path));
    }
}
