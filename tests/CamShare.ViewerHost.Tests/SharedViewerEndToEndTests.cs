using System.Buffers.Text;
using CamShare.Testing;
using CamShare.ViewerHost.Tests.Fixtures;

namespace CamShare.ViewerHost.Tests;

/// <summary>
/// The whole path: a real RTSP camera → the engine (encryption + viewer) → a local storage → `camshare serve` →
/// the link `camshare share` prints → chromium plays it, live, and the key reaches no server.
/// </summary>
public sealed class SharedViewerEndToEndTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    [Fact]
    public async Task The_share_link_plays_the_live_camera_from_camshare_serve_and_the_key_reaches_no_server()
    {
        Assert.SkipWhen(chromium.Browser is null, "chromium is not installed (apt install chromium)");
        await using var camera = await RtspCamera.StartAsync();
        using var site = new HostSite();
        await using var engine = HostEngine.Start(site, camera.Url, segmentSeconds: 4);
        await engine.WaitForLinesAsync("viewer lists", 1);
        var (server, url) = await site.ServeAsync();
        await using var _ = server;

        var share = await site.CliAsync("share", HostSite.Camera, "--destination", HostSite.Storage, "--base-url", url.AbsoluteUri.TrimEnd('/'));
        Assert.True(share.ExitCode == 0, share.StandardError);
        var link = new Uri(share.StandardOutput.Trim());
        await using var tab = await ViewerTab.OpenAsync(chromium.Browser!, link);

        var playing = await tab.WaitForAsync(s => s.CurrentTime() > 0.5 && s.VideoWidth() > 0, "playing the newest segment", 60);
        Assert.Equal((640, 360), (playing.VideoWidth(), playing.GetProperty("videoHeight").GetInt32()));
        Assert.Null(playing.Error());
        var first = playing.Current();
        // Near-live: segments recorded after the page opened are listed and played on without a reload.
        var later = await tab.WaitForAsync(s => s.Played().Count >= 3 && s.Current() != first && s.CurrentTime() > playing.CurrentTime(),
            "playing on into segments recorded after it opened", 90);
        Assert.Empty(later.Refused());
        Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "artifacts", "test-results"));
        await tab.Page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Root, "artifacts", "test-results", "viewer-host.png") });

        var key = HostEngine.Key;
        var spellings = new[] { Base64Url.EncodeToString(key), Convert.ToBase64String(key), Convert.ToHexStringLower(key), Convert.ToHexString(key) };
        List<string> requests;
        lock (tab.Requests) requests = [.. tab.Requests];
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.StartsWith(url.GetLeftPart(UriPartial.Authority) + "/", r));
        foreach (var spelling in spellings)
        {
            // The page's own URL keeps the fragment in the browser; what reached the server is in its log.
            Assert.DoesNotContain(spelling, server.Output);
            Assert.All(requests.Skip(1), r => Assert.DoesNotContain(spelling, r));
            Assert.DoesNotContain(spelling, engine.Logs.Text);
        }
        Assert.Contains("GET /porch/camshare-index/days.bin 200", server.Output);
        Assert.Contains("GET /porch/view.html 200", server.Output);
        Assert.DoesNotContain(HostSite.Password, engine.Logs.Text);
    }
}
