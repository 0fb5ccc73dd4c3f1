using System.Globalization;
using CamShare.Storage.WebDav.Tests.Fixtures;
using Xunit;

namespace CamShare.Storage.WebDav.Tests.EndToEnd;

/// <summary>camera → `camshare run` → WebDAV, with real parts only: every segment arrives once, complete, playable.</summary>
internal static class CameraToWebDav
{
    public static async Task EverySegmentArrivesCompleteAndPlayableAsync(WebDavServerFixture server, string authentication)
    {
        await using var run = await EndToEndRun.StartAsync(server, authentication);
        await run.WaitForUploadsAsync(3, TimeSpan.FromSeconds(60));
        await run.StopAsync();

        var closed = run.Closed.Select(c => c.File).ToList();
        var uploaded = run.Uploaded.Select(u => u.Key).ToList();
        Assert.True(closed.Count >= 4, $"{closed.Count} segments closed"); // 3 + the one finalised by the stop
        Assert.Equal(closed.Select(EndToEndRun.ExpectedKey).Order(StringComparer.Ordinal), uploaded.Order(StringComparer.Ordinal));
        Assert.All(uploaded, k => Assert.StartsWith("Gäste Kamera/hof-1/", k)); // as logged, not escaped
        Assert.All(uploaded, k => Assert.Contains("+0", k));

        var objects = await run.AssertServerHoldsExactlyAsync(closed);
        Assert.Equal(uploaded.Count, objects.Count);
        Assert.Equal(closed.Count, run.CamShare.Matching(l => l.Contains("local file removed", StringComparison.Ordinal)).Count);
        run.AssertSpoolEmpty();
        run.AssertNoSecrets();
        run.AssertCleanLog();
        TestContext.Current.TestOutputHelper?.WriteLine("segment closed → object visible (s): " +
            string.Join(", ", run.CloseToVisibleSeconds().Select(s => s.ToString("0.000", CultureInfo.InvariantCulture))));
    }
}

[Collection(EndToEndCollection.Name)]
public sealed class ApacheEndToEndTests(ApacheWebDavFixture server) : IClassFixture<ApacheWebDavFixture>
{
    [Fact(Timeout = 120_000)]
    public Task Camera_to_Apache_https_every_segment_arrives_complete_and_playable() =>
        CameraToWebDav.EverySegmentArrivesCompleteAndPlayableAsync(server, "digest");
}

[Collection(EndToEndCollection.Name)]
public sealed class NginxEndToEndTests(NginxWebDavFixture server) : IClassFixture<NginxWebDavFixture>
{
    [Fact(Timeout = 120_000)]
    public Task Camera_to_nginx_http_every_segment_arrives_complete_and_playable() =>
        CameraToWebDav.EverySegmentArrivesCompleteAndPlayableAsync(server, "basic");
}
