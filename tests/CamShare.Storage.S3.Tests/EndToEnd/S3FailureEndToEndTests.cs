using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CamShare.Testing;
using Xunit;

namespace CamShare.Storage.S3.Tests.EndToEnd;

/// <summary>camshare run against an S3 server that dies mid-run, and against one that refuses the key.</summary>
public sealed partial class S3FailureEndToEndTests
{
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact(Timeout = 240_000)]
    public async Task Server_stopped_and_restarted_mid_run_nothing_is_lost()
    {
        await using var rig = await S3EndToEndRig.StartAsync();
        try
        {
            var service = await rig.StartCamShareAsync(segmentSeconds: 3);
            await service.WaitForLinesAsync(S3EndToEndRig.UploadedMarker, 1, TimeSpan.FromSeconds(60));

            await rig.Server.KillAsync(); // SIGKILL: no goodbye to open connections
            var killedAt = service.Elapsed;
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{killedAt.TotalSeconds,7:0.000} --- s3rver killed"));
            await service.WaitUntilAsync(() => rig.Closed().Count(c => c.Line.At > killedAt) >= 3, TimeSpan.FromSeconds(40),
                "3 segments closed while s3rver is down");
            await service.WaitUntilAsync(() => Failures(service).Count > 0, TimeSpan.FromSeconds(20), "a transient upload error");

            // While the server is down: every segment closed since the kill waits in the spool, with transient errors
            // logged, and nothing is treated as fatal or dropped.
            var waiting = rig.Closed().Where(c => c.Line.At > killedAt).Select(c => c.File).ToList();
            var uploadedSoFar = rig.Uploaded().Select(u => u.Key).ToHashSet();
            Assert.All(waiting, file => Assert.DoesNotContain(S3EndToEndRig.ExpectedKey(file), uploadedSoFar));
            Assert.All(waiting, file => Assert.True(File.Exists(Path.Combine(rig.RecFolder, file)), $"{file} is not in the spool"));
            Assert.Empty(service.Matching("authentication failed"));
            Assert.Empty(service.Matching("storage is misconfigured"));
            Assert.Empty(service.Matching("dropped segment"));
            Assert.Contains(Failures(service), l => l.Text.Contains("retry", StringComparison.Ordinal));

            await rig.Server.RestartAsync(); // same port, same data folder
            var restartedAt = service.Elapsed;
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{restartedAt.TotalSeconds,7:0.000} --- s3rver restarted"));
            await service.WaitUntilAsync(() => waiting.All(f => rig.Uploaded().Any(u => u.Key == S3EndToEndRig.ExpectedKey(f))),
                TimeSpan.FromSeconds(100), "the backlog uploaded after the restart");
            var backlogDone = rig.Uploaded().Where(u => waiting.Any(f => u.Key == S3EndToEndRig.ExpectedKey(f))).Max(u => u.Line.At);
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"backlog of {waiting.Count} segment(s) uploaded {(backlogDone - restartedAt).TotalSeconds:0.0} s after the restart; " +
                $"{Failures(service).Count} transient error line(s) while down"));

            Assert.Equal(0, await rig.StopCamShareAsync());
            rig.AssertS3PluginLoaded();
            rig.AssertNoSecrets();

            // Every segment camshare recorded is in the bucket exactly once, under its key, and playable.
            var closed = rig.Closed();
            Assert.True(closed.Count >= 5, $"{closed.Count} segments recorded");
            Assert.Equal(closed.Count, closed.Select(c => c.File).Distinct().Count());
            await using var provider = rig.CreateProvider();
            var objects = await S3EndToEndRig.ListAllAsync(provider);
            Assert.Equal(closed.Select(c => S3EndToEndRig.ExpectedKey(c.File)).Order(StringComparer.Ordinal),
                objects.Select(o => o.Key).Order(StringComparer.Ordinal));
            var uploaded = rig.Uploaded();
            Assert.All(objects, o => Assert.Single(uploaded, u => u.Key == o.Key)); // verified once, not re-sent
            foreach (var o in objects)
            {
                var local = await rig.DownloadAsync(provider, o.Key);
                var facts = await MediaFacts.ProbeAsync(local);
                Assert.True(facts.Has("h264") && facts.Has("aac"), $"{o.Key}: streams {string.Join(",", facts.Codecs)}");
                Assert.Equal("", facts.DecodeErrors);
                Assert.True(facts.Duration > 0.5, $"{o.Key}: {facts.Duration} s");
            }
            Assert.Empty(Directory.EnumerateFiles(rig.RecFolder));
            Assert.Single(service.Matching("CamShare: stopped; 0 segment(s) wait in the spool"));
        }
        finally
        {
            rig.Report(Output);
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task A_wrong_secret_key_keeps_segments_and_reports_an_auth_error()
    {
        await using var rig = await S3EndToEndRig.StartAsync();
        try
        {
            var wrong = "Wr0ng" + RandomNumberGenerator.GetHexString(35, lowercase: true);
            var service = await rig.StartCamShareAsync(segmentSeconds: 3, secret: wrong);
            await service.WaitForLinesAsync("authentication failed", 1, TimeSpan.FromSeconds(40));
            await service.WaitUntilAsync(() => rig.Closed().Count >= 3, TimeSpan.FromSeconds(40), "3 segments closed");
            Assert.All(rig.Closed(), c => Assert.True(File.Exists(Path.Combine(rig.RecFolder, c.File)), $"{c.File} left the spool"));
            Assert.Equal(0, await service.StopAsync());

            var closed = rig.Closed();
            Assert.True(closed.Count >= 3, $"{closed.Count} segments recorded");
            // Every segment, the last one finalised at the stop included, is still in the spool; none was sent or dropped.
            Assert.Equal(closed.Select(c => c.File).Order(StringComparer.Ordinal), rig.SegmentsInRec());
            Assert.Empty(rig.Uploaded());
            Assert.Empty(service.Matching("local file removed"));
            Assert.Empty(service.Matching("dropped segment"));
            Assert.Single(service.Matching($"CamShare: stopped; {closed.Count} segment(s) wait in the spool"));

            // One error line (the run is shorter than the one-minute log interval), naming the destination, no retry loop.
            var errors = service.Matching("authentication failed");
            var error = Assert.Single(errors);
            Assert.Contains("Destination 'cloud': authentication failed", error.Text);
            Assert.Contains("segments are kept", error.Text);
            Assert.Contains("fail:", error.Text);
            Assert.Empty(service.Matching("→ cloud: upload of")); // not retried as if transient
            Assert.DoesNotMatch(StackFrame(), service.Output);
            Assert.DoesNotContain("--- End of stack trace", service.Output);
            rig.AssertNoSecrets();
            Assert.DoesNotContain(wrong, service.Output);
            Output?.WriteLine($"auth error line: {error}");
        }
        finally
        {
            rig.Report(Output);
        }
    }

    private static IReadOnlyList<CamShareService.LogLine> Failures(CamShareService service) =>
        [.. service.Matching("→ cloud: upload of").Where(l => l.Text.Contains(" failed (", StringComparison.Ordinal))];

    /// <summary>A .NET stack frame: "at Namespace.Type.Method(" — in its own line or folded into a single-line log.</summary>
    [GeneratedRegex(@"(^|\s)at [A-Za-z_][\w.`<>]*\.[\w<>`]+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
