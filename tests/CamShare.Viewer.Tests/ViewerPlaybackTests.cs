using System.Security.Cryptography;
using CamShare.Testing;
using CamShare.Viewer.Tests.Fixtures;
using Microsoft.Playwright;

namespace CamShare.Viewer.Tests;

/// <summary>
/// The built page in a real browser (Debian's chromium, headless) against a real HTTP server holding footage
/// and indexes encrypted by the real rclone: it decrypts, plays, follows new segments, scrubs, refuses what it
/// must, and never lets the key out of the page.
/// </summary>
public sealed class ViewerPlaybackTests(ViewerSite site, ChromiumBrowser chromium)
    : IClassFixture<ViewerSite>, IClassFixture<ChromiumBrowser>
{
    private IBrowser Browser
    {
        get
        {
            if (chromium.Browser is null) Assert.Skip("chromium is not installed (apt-get install chromium)");
            return chromium.Browser!;
        }
    }

    private static string Time(string local) => local + "-05:00";

    [Fact]
    public async Task Opens_the_newest_segment_decrypts_and_plays_it()
    {
        var newest = site.Segments(ViewerSite.Day)[^1];
        await using var tab = await ViewerTab.OpenAsync(Browser, site.Link(site.DataKey));

        var state = await tab.WaitForAsync(s => s.Current() == Stamp(newest) && s.CurrentTime() > 0.5 && !s.Paused(),
            "the newest segment playing");

        Assert.Equal("mse", state.GetProperty("mode").GetString());
        Assert.Equal(Footage.Width, state.VideoWidth());
        Assert.Null(state.Error());
        await SaveScreenshotAsync(tab);
        AssertKeyStayedInThePage(tab);
    }

    [Fact]
    public async Task Advances_to_the_next_segment_by_itself_after_scrubbing_to_an_earlier_hour()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, site.Link(site.DataKey));
        await tab.WaitForAsync(s => s.Current() is not null && s.CurrentTime() > 0.2, "playing");

        // 09:00:01 on the 24-hour bar: the first segment of the 09 hour.
        await ClickTimelineAsync(tab, 9 * 3600 + 1);
        await tab.WaitForAsync(s => s.Played().Contains(Time("2024-03-23T09:00:00")), "09:00:00 playing");
        var state = await tab.WaitForAsync(s => s.Current() == Time("2024-03-23T09:00:05") && !s.Paused(),
            "09:00:05 playing on its own");

        Assert.Equal(Footage.Width, state.VideoWidth());
        var played = state.Played();
        Assert.True(played.IndexOf(Time("2024-03-23T09:00:00")) < played.IndexOf(Time("2024-03-23T09:00:05")));
        AssertKeyStayedInThePage(tab);
    }

    [Fact]
    public async Task A_segment_added_to_the_index_while_the_page_is_open_is_played()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, site.Link(site.DataKey));
        var newest = Stamp(site.Segments(ViewerSite.Day)[^1]);
        await tab.WaitForAsync(s => s.Current() == newest && s.CurrentTime() > 0.2, "the newest segment playing");

        if (!site.Plaintext.ContainsKey(ViewerSite.LiveTime)) await site.AppendLiveSegmentAsync();

        var state = await tab.WaitForAsync(s => s.Current() == ViewerSite.LiveTime && !s.Paused(), "the new segment playing", 60);
        Assert.Equal(Footage.Width, state.VideoWidth());
        AssertKeyStayedInThePage(tab);
    }

    [Fact]
    public async Task A_tampered_segment_is_refused_with_a_message_and_never_played()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, site.Link(site.DataKey));
        await tab.WaitForAsync(s => s.Current() is not null, "playing");

        await ClickTimelineAsync(tab, 10 * 3600 + 2);
        var state = await tab.WaitForAsync(s => s.Refused().Contains(ViewerSite.TamperedTime), "the tampered segment refused");

        Assert.Equal("tampered", state.Error());
        Assert.Contains("failed its integrity check and was not played", state.GetProperty("errorText").GetString());
        Assert.Contains("failed its integrity check", await tab.Page.Locator("#error").InnerTextAsync());
        // It moves on to the next recording instead; the tampered one never reached the player.
        state = await tab.WaitForAsync(s => s.Current() == Time("2024-03-23T11:00:00"), "the next segment playing");
        Assert.DoesNotContain(ViewerSite.TamperedTime, state.Played());
        AssertKeyStayedInThePage(tab);
    }

    [Fact]
    public async Task A_wrong_key_shows_that_the_link_cannot_open_these_recordings()
    {
        var wrongKey = RandomNumberGenerator.GetBytes(32);
        await using var tab = await ViewerTab.OpenAsync(Browser, site.Link(wrongKey));

        var state = await tab.WaitForAsync(s => s.Error() is not null, "an error");

        Assert.Equal("wrong-key", state.Error());
        Assert.Equal("This link's key cannot open these recordings.", await tab.Page.Locator("#error").InnerTextAsync());
        Assert.Null(state.Current());
        AssertKeyStayedInThePage(tab, wrongKey);
    }

    [Fact]
    public async Task A_link_without_a_key_says_so()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, new Uri(site.CameraUrl, ViewerPage.FileName));
        var state = await tab.WaitForAsync(s => s.Error() is not null, "an error");
        Assert.Equal("no-key", state.Error());
    }

    [Fact]
    public async Task Download_saves_the_decrypted_segment_as_mp4()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, site.Link(site.DataKey));
        var state = await tab.WaitForAsync(s => s.Current() is not null && s.CurrentTime() > 0.2, "playing");
        var current = state.Current()!;

        var download = await tab.Page.RunAndWaitForDownloadAsync(() => tab.Page.ClickAsync("#download"));
        var saved = Path.Combine(Path.GetTempPath(), $"camshare-viewer-download-{Guid.NewGuid():N}.mp4");
        await download.SaveAsAsync(saved);

        try
        {
            Assert.Equal($"porch-{current[..19].Replace("-", "").Replace(":", "")}-0500.mp4", download.SuggestedFilename);
            Assert.Equal(MD5.HashData(await File.ReadAllBytesAsync(site.Plaintext[current], Ct)), MD5.HashData(await File.ReadAllBytesAsync(saved, Ct)));
        }
        finally { File.Delete(saved); }
        AssertKeyStayedInThePage(tab);
    }

    [Fact]
    public async Task The_earlier_day_is_listed_and_plays()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, site.Link(site.DataKey));
        await tab.WaitForAsync(s => s.Current() is not null, "playing");

        await tab.Page.SelectOptionAsync("#day", ViewerSite.EarlierDay);
        var state = await tab.WaitForAsync(s => s.Current() == ViewerSite.EarlierDayTime && s.CurrentTime() > 0.2, "the earlier day playing");
        Assert.Equal(ViewerSite.EarlierDay, state.GetProperty("day").GetString());
    }

    [Fact]
    public async Task Without_media_source_extensions_each_segment_plays_from_a_blob_and_the_next_follows()
    {
        // Older iPhones have neither MediaSource nor ManagedMediaSource.
        await using var tab = await ViewerTab.OpenAsync(Browser, site.Link(site.DataKey),
            initScript: "delete window.MediaSource; delete window.ManagedMediaSource;");
        await tab.WaitForAsync(s => s.Current() is not null && s.CurrentTime() > 0.2, "playing");

        await ClickTimelineAsync(tab, 9 * 3600 + 1);
        await tab.WaitForAsync(s => s.Played().Contains(Time("2024-03-23T09:00:00")), "09:00:00 playing");
        var state = await tab.WaitForAsync(s => s.Current() == Time("2024-03-23T09:00:05") && s.CurrentTime() > 0.2 && !s.Paused(),
            "09:00:05 playing on its own");

        Assert.Equal("blob", state.GetProperty("mode").GetString());
        Assert.Equal(Footage.Width, state.VideoWidth());
        AssertKeyStayedInThePage(tab);
    }

    [Fact]
    public async Task H265_that_the_browser_cannot_play_gets_a_plain_message()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, site.HevcLink(site.DataKey));
        var mime = $"video/mp4; codecs=\"{site.HevcCodecs}\"";
        var playable = await tab.Page.EvaluateAsync<bool>(
            "mime => MediaSource.isTypeSupported(mime) || document.createElement('video').canPlayType(mime) !== ''", mime);
        if (playable) { Assert.Skip($"this chromium plays {site.HevcCodecs}"); return; }

        var state = await tab.WaitForAsync(s => s.Error() is not null, "an error");

        Assert.Equal("unsupported", state.Error());
        Assert.Contains("H.265", await tab.Page.Locator("#error").InnerTextAsync());
        Assert.Equal((0.0, 0), (state.CurrentTime(), state.VideoWidth())); // nothing was handed to the player
    }

    [Fact]
    public async Task The_keyboard_steps_from_one_recording_to_the_previous()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, site.Link(site.DataKey));
        await tab.WaitForAsync(s => s.Current() is not null && s.CurrentTime() > 0.2, "playing");
        await ClickTimelineAsync(tab, 9 * 3600 + 6);
        await tab.WaitForAsync(s => s.Played().Contains(Time("2024-03-23T09:00:05")), "09:00:05 playing");

        await tab.Page.FocusAsync("#timeline");
        // Whatever plays when the key goes down (09:00:05, or 09:00:10 if it moved on meanwhile), ← goes one back.
        var before = (await tab.StateAsync()).Current();
        await tab.Page.Keyboard.PressAsync("ArrowLeft");

        var times = site.Segments(ViewerSite.Day).Select(Stamp).ToList();
        var expected = times[times.IndexOf(before!) - 1];
        await tab.WaitForAsync(s => s.Current() == expected && s.CurrentTime() > 0, $"{expected} playing");
        Assert.StartsWith(expected[11..18], await tab.Page.Locator("#timeline").GetAttributeAsync("aria-valuetext"));
    }

    [Fact]
    public async Task Fits_a_phone_screen()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, site.Link(site.DataKey), width: 390, height: 844);
        await tab.WaitForAsync(s => s.Current() is not null && s.CurrentTime() > 0.5 && !s.Paused(), "playing");

        var scrollWidth = await tab.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"the page is {scrollWidth} px wide on a 390 px screen");
        Directory.CreateDirectory(ResultsFolder);
        await tab.Page.ScreenshotAsync(new() { Path = Path.Combine(ResultsFolder, "viewer-phone.png"), FullPage = true });
    }

    [Fact]
    public async Task Plays_a_camera_whose_index_the_host_side_writer_published()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, site.WriterLink(site.DataKey));
        var state = await tab.WaitForAsync(s => s.Current() == site.WriterSegmentTime && s.CurrentTime() > 0.2 && !s.Paused(),
            "the writer's segment playing");
        Assert.Equal(Footage.Width, state.VideoWidth());
        Assert.Null(state.Error());
    }

    [Fact]
    public async Task A_folder_with_nothing_published_yet_says_so()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, ShareLink.Build(new Uri(site.Origin, ViewerSite.EmptyCamera + "/"), site.DataKey));
        var state = await tab.WaitForAsync(s => s.Error() is not null, "an error");
        Assert.Equal("not-published", state.Error());
        Assert.StartsWith("No recordings are published here yet.", await tab.Page.Locator("#error").InnerTextAsync());
    }

    [Fact]
    public async Task When_the_storage_is_unreachable_it_says_so_keeps_playing_and_recovers()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, site.Link(site.DataKey));
        await tab.WaitForAsync(s => s.Current() is not null && s.CurrentTime() > 0.2, "playing");

        // Every object request fails at the network level (a dropped connection), as with a storage outage.
        await tab.Page.RouteAsync("**/*.bin", route => route.AbortAsync("connectionfailed"));
        await tab.WaitForAsync(s => s.Error() == "unreachable", "the unreachable message", 30);
        Assert.Contains("trying again", await tab.Page.Locator("#error").InnerTextAsync());

        await tab.Page.UnrouteAllAsync();
        var state = await tab.WaitForAsync(s => s.Error() is null, "the message gone after the storage is back", 30);
        Assert.NotNull(state.Current());
    }

    [Fact]
    public async Task Decryption_speed_is_measured_in_the_page()
    {
        await using var tab = await ViewerTab.OpenAsync(Browser, site.Link(site.DataKey));
        await tab.WaitForAsync(s => s.Current() is not null, "playing");

        var result = await tab.Page.EvaluateAsync<System.Text.Json.JsonElement>("() => window.camshareViewer.benchmark(64)");
        var speed = result.GetProperty("megabytesPerSecond").GetDouble();
        var line = $"in-page rclone-crypt decryption: {speed:0} MB/s (64 MiB in {result.GetProperty("milliseconds").GetDouble():0} ms)";
        TestContext.Current.SendDiagnosticMessage(line);
        Directory.CreateDirectory(ResultsFolder);
        await File.WriteAllTextAsync(Path.Combine(ResultsFolder, "viewer-benchmark.txt"), line + "\n", Ct);
        // A measurement, reported; not a timing assertion. Correctness of the round trip is checked in the page.
        Assert.True(speed > 0);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string ResultsFolder => Path.Combine(RepoPaths.Root, "artifacts", "test-results");

    private static string Stamp(ViewerSegment segment) =>
        segment.Start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task ClickTimelineAsync(ViewerTab tab, int secondOfDay)
    {
        var box = await tab.Page.Locator("#timeline").BoundingBoxAsync() ?? throw new InvalidOperationException("no timeline");
        await tab.Page.Mouse.ClickAsync((float)(box.X + box.Width * secondOfDay / 86400.0 + 0.5), box.Y + box.Height / 2);
    }

    private static async Task SaveScreenshotAsync(ViewerTab tab)
    {
        Directory.CreateDirectory(ResultsFolder);
        await tab.Page.ScreenshotAsync(new() { Path = Path.Combine(ResultsFolder, "viewer.png"), FullPage = true });
    }

    /// <summary>Every request went to the server's origin, and the key is in no request line, header or log.</summary>
    private void AssertKeyStayedInThePage(ViewerTab tab, byte[]? key = null)
    {
        key ??= site.DataKey;
        List<string> requests;
        lock (tab.Requests) requests = [.. tab.Requests];
        Assert.NotEmpty(requests);
        var Origin = site.Origin.GetLeftPart(UriPartial.Authority);
        foreach (var url in requests)
            Assert.True(url.StartsWith(Origin + "/", StringComparison.Ordinal) || url.StartsWith("blob:" + Origin + "/", StringComparison.Ordinal),
                $"a request left the server's origin: {url}");
        var log = site.ServerLog;
        Assert.Contains($"GET /{ViewerSite.Camera}/{ViewerPage.FileName}", log);
        foreach (var form in KeyForms(key))
        {
            Assert.DoesNotContain(form, log);
            Assert.DoesNotContain(requests, url => url.Contains(form, StringComparison.Ordinal));
        }
        Assert.DoesNotContain("#", string.Join('\n', site.Server.Targets));
    }

    private static IEnumerable<string> KeyForms(byte[] key) =>
    [
        System.Buffers.Text.Base64Url.EncodeToString(key),
        Convert.ToBase64String(key),
        Uri.EscapeDataString(Convert.ToBase64String(key)),
        Convert.ToHexString(key),
        Convert.ToHexStringLower(key),
    ];
}
