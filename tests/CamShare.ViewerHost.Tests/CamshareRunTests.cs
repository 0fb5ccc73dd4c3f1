using CamShare.Testing;
using CamShare.ViewerHost.Tests.Fixtures;
using CamShare.Viewer;

namespace CamShare.ViewerHost.Tests;

/// <summary>`camshare run` from camshare.json: a storage's "viewer" section switches the publish stage on.</summary>
public sealed class CamshareRunTests
{
    [Fact]
    public async Task Camshare_run_publishes_the_page_and_an_index_of_every_stored_segment()
    {
        await using var camera = await RtspCamera.StartAsync();
        using var site = new HostSite(cameraUrl: camera.Url, segmentSeconds: 3);
        await using (var service = CamShareService.Start(site.ConfigPath, ownedMarker: site.Root))
        {
            await service.WaitForLinesAsync("viewer lists", 2, TimeSpan.FromSeconds(90));
            Assert.Equal(0, await service.StopAsync());
            Assert.DoesNotContain(HostSite.Password, service.Output);
            Assert.DoesNotContain("publishing it failed", service.Output);
        }

        // `run` encrypts each segment (rclone crypt, names off: "<name>.mp4.bin") and lists exactly those.
        var listed = StoredViewer.Segments(site.CameraFolder, HostEngine.Key);
        Assert.Equal(StoredViewer.StoredSegments(site.CameraFolder, ".mp4.bin"), listed.Select(s => s.Path).Order(StringComparer.Ordinal));
        Assert.All(listed, s => Assert.Equal("RCLONE\0\0"u8.ToArray(), File.ReadAllBytes(Path.Combine(site.CameraFolder, s.Path))[..8]));
        Assert.True(listed.Count >= 2);
        Assert.All(listed, s => Assert.Equal(new FileInfo(Path.Combine(site.CameraFolder, s.Path)).Length, s.StoredSize));
        Assert.Equal(ViewerPage.Bytes.ToArray(), File.ReadAllBytes(Path.Combine(site.CameraFolder, ViewerPage.FileName)));
        Assert.Equal(HostSite.Camera, StoredViewer.Index(site.CameraFolder, HostEngine.Key).Camera);
    }
}
