using CamShare.Abstractions;
using CamShare.Testing;
using CamShare.ViewerHost.Tests.Fixtures;
using CamShare.Viewer;

namespace CamShare.ViewerHost.Tests;

/// <summary>The publish stage in the engine: what the index lists, across a restart, and when the index cannot be written.</summary>
public sealed class ViewerPublisherTests
{
    [Fact]
    public async Task The_index_lists_exactly_the_verified_segments_and_a_restart_carries_it_on()
    {
        await using var camera = await RtspCamera.StartAsync();
        using var site = new HostSite();
        await using (var first = HostEngine.Start(site, camera.Url, segmentSeconds: 3))
        {
            await first.WaitForLinesAsync("viewer lists", 2);
            await first.StopAsync();
        }
        var afterFirst = StoredViewer.Segments(site.CameraFolder, HostEngine.Key).Count;
        await using (var second = HostEngine.Start(site, camera.Url, segmentSeconds: 3))
        {
            await second.WaitForLinesAsync("viewer lists", 2);
            await second.StopAsync();
            Assert.DoesNotContain(second.Logs.Lines, l => l.Contains("publishing it failed", StringComparison.Ordinal));
        }

        var listed = StoredViewer.Segments(site.CameraFolder, HostEngine.Key);
        var stored = StoredViewer.StoredSegments(site.CameraFolder, ".mp4.bin");
        Assert.True(afterFirst >= 2, $"the first run listed {afterFirst}");
        Assert.True(listed.Count >= afterFirst + 2, $"{listed.Count} listed after the restart, {afterFirst} before");
        Assert.Equal(stored, listed.Select(s => s.Path).Order(StringComparer.Ordinal));
        Assert.Equal(listed.OrderBy(s => s.Start).Select(s => s.Path), listed.Select(s => s.Path)); // in time order
        foreach (var segment in listed)
        {
            Assert.Equal(new FileInfo(Path.Combine(site.CameraFolder, segment.Path)).Length, segment.StoredSize);
            Assert.InRange(segment.Duration, 0.1, 6); // the first and last of a run are cut by the clock and the stop
            Assert.StartsWith("avc1.", segment.Codecs);
            Assert.Contains("mp4a.40.2", segment.Codecs);
        }
        var index = StoredViewer.Index(site.CameraFolder, HostEngine.Key);
        Assert.Equal((HostSite.Camera, 3), (index.Camera, index.SegmentSeconds));
        Assert.Equal(ViewerPage.Bytes.ToArray(), File.ReadAllBytes(Path.Combine(site.CameraFolder, ViewerPage.FileName)));
        // Decrypting a listed segment gives a playable MP4.
        var plain = Path.Combine(site.Root, "check.mp4");
        File.WriteAllBytes(plain, RcloneCryptFormat.Decrypt(File.ReadAllBytes(Path.Combine(site.CameraFolder, listed[^1].Path)), HostEngine.Key));
        await Tools.RunAsync("ffmpeg", ["-nostdin", "-v", "error", "-i", plain, "-f", "null", "-"]);
    }

    [Fact]
    public async Task An_index_that_cannot_be_written_never_holds_back_or_undoes_an_upload()
    {
        await using var camera = await RtspCamera.StartAsync();
        using var site = new HostSite();
        await using (var engine = HostEngine.Start(site, camera.Url, segmentSeconds: 3, wrap: local => new RefusingViewerObjects(local)))
        {
            await engine.WaitForLinesAsync("publishing it failed", 2);
            await engine.StopAsync();
            Assert.Contains("is uploaded, but publishing it failed", engine.Logs.Text);
            Assert.DoesNotContain(engine.Logs.Lines, l => l.Contains("viewer lists", StringComparison.Ordinal));
        }

        var stored = StoredViewer.StoredSegments(site.CameraFolder, ".mp4.bin");
        Assert.True(stored.Count >= 2, $"{stored.Count} segments uploaded");
        Assert.False(File.Exists(Path.Combine(site.CameraFolder, ViewerPaths.DaysObject)));
        // Verified everywhere, so the spool let the local files go: nothing waits to be uploaded again.
        Assert.DoesNotContain(Directory.EnumerateFiles(site.SpoolPath, "*.mp4", SearchOption.AllDirectories),
            f => !f.Contains($"{Path.DirectorySeparatorChar}rec{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    /// <summary>A storage that takes segments but refuses the viewer's objects (a full or read-only index folder).</summary>
    private sealed class RefusingViewerObjects(IStorageProvider inner) : IStorageProvider
    {
        private static bool IsViewer(string key) => key.Contains("/camshare-index/", StringComparison.Ordinal) || key.EndsWith("/view.html", StringComparison.Ordinal);

        public Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress, CancellationToken cancellationToken) =>
            IsViewer(key) ? throw new StorageTransientException($"refusing {key} on purpose") : inner.PutAsync(key, source, progress, cancellationToken);
        public Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken) => inner.StatAsync(key, cancellationToken);
        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);
        public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);
        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
    }
}
