using System.Diagnostics;
using System.Globalization;
using System.Text;
using CamShare.Testing;
using CamShare.ViewerHost.Tests.Fixtures;

namespace CamShare.ViewerHost.Tests;

/// <summary>
/// Event → visible in the viewer, on loopback: a report, not a timed test (benchmarks/viewer-latency.sh sets
/// CAMSHARE_VIEWER_LATENCY=1). For each segment: when it was recorded (its start, from its name), when the index
/// listed it, and when the page began showing it; the page plays on at real speed, so every frame of a segment
/// is that late. Also how long the page takes from opening the link to playing.
/// </summary>
public sealed class ViewerLatencyReport(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    [Theory]
    [InlineData(4, 10)]
    [InlineData(10, 6)]
    public async Task Event_to_visible(int segmentSeconds, int segments)
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable("CAMSHARE_VIEWER_LATENCY") != "1", "a report, run on demand: benchmarks/viewer-latency.sh");
        Assert.SkipWhen(chromium.Browser is null, "chromium is not installed");
        await using var camera = await RtspCamera.StartAsync();
        using var site = new HostSite();
        await using var engine = HostEngine.Start(site, camera.Url, segmentSeconds);
        await engine.WaitForLinesAsync("viewer lists", 1, 120);
        var (server, url) = await site.ServeAsync();
        await using var _ = server;
        var share = await site.CliAsync("share", HostSite.Camera, "--destination", HostSite.Storage, "--base-url", url.AbsoluteUri.TrimEnd('/'));

        var opening = Stopwatch.StartNew();
        await using var tab = await ViewerTab.OpenAsync(chromium.Browser!, new Uri(share.StandardOutput.Trim()));
        await tab.WaitForAsync(s => s.CurrentTime() > 0, "playing", 60);
        var toPlay = opening.Elapsed;

        var shown = new List<(DateTimeOffset Start, DateTimeOffset Visible)>();
        string? current = null;
        var deadline = DateTime.UtcNow.AddSeconds(segmentSeconds * (segments + 4) + 60);
        while (shown.Count < segments && DateTime.UtcNow < deadline)
        {
            var state = await tab.StateAsync();
            var now = DateTimeOffset.UtcNow;
            if (state.Current() is { } t && t != current)
            {
                if (current is not null) shown.Add((DateTimeOffset.Parse(t, CultureInfo.InvariantCulture), now)); // the first was already playing
                current = t;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        var listed = engine.Logs.Lines.Where(l => l.Contains("viewer lists", StringComparison.Ordinal))
            .Select(l => (At: DateTimeOffset.ParseExact(l[..12], "HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), Line: l)).ToList();

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"viewer latency, {segmentSeconds} s segments, loopback, 2-core machine; link → playing: {toPlay.TotalSeconds:0.00} s");
        table.AppendLine("| segment start (UTC) | listed after (s) | visible after (s) |");
        table.AppendLine("|---|---|---|");
        var visible = new List<double>();
        foreach (var (start, at) in shown)
        {
            var name = start.UtcDateTime.ToLocalTime().ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
            var listing = listed.FirstOrDefault(l => l.Line.Contains(name, StringComparison.Ordinal));
            var listedAfter = listing.Line is null ? double.NaN : (listing.At - start).TotalSeconds;
            visible.Add((at - start).TotalSeconds);
            table.AppendLine(CultureInfo.InvariantCulture, $"| {start.UtcDateTime:HH:mm:ss} | {listedAfter:0.0} | {visible[^1]:0.0} |");
        }
        visible.Sort();
        double P(double q) => visible.Count == 0 ? double.NaN : visible[Math.Min(visible.Count - 1, (int)Math.Ceiling(q * visible.Count) - 1)];
        table.AppendLine(CultureInfo.InvariantCulture, $"visible after: p50 {P(0.5):0.0} s, p95 {P(0.95):0.0} s, max {P(1):0.0} s over {visible.Count} segments (goal p95 ≤ {segmentSeconds + 5} s)");

        TestContext.Current.TestOutputHelper?.WriteLine(table.ToString());
        var folder = Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "artifacts", "benchmarks")).FullName;
        await File.AppendAllTextAsync(Path.Combine(folder, "viewer-latency.md"), table + "\n", TestContext.Current.CancellationToken);
        Assert.NotEmpty(visible);
    }
}
