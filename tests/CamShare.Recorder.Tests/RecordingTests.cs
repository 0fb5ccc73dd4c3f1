using System.Globalization;
using System.Text.RegularExpressions;
using CamShare.Core.Spool;
using CamShare.Testing;
using Xunit;

namespace CamShare.Recorder.Tests;

/// <summary>End to end with a real RTSP camera (H.264 + G.711 A-law, digest auth), real ffmpeg and the local provider.</summary>
public sealed class RecordingTests
{
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact(Timeout = 120_000)]
    public async Task Records_complete_segments_and_uploads_each_under_its_template_key()
    {
        await using var camera = await RtspCamera.StartAsync(EngineHarness.User, EngineHarness.Password);
        await using var host = EngineHarness.Create(camera, segmentSeconds: 3);
        host.Start();
        await host.WaitForObjectsAsync(4, TimeSpan.FromSeconds(60));
        await host.StopAsync();

        var objects = await host.ObjectsAsync();
        Assert.True(objects.Count >= 4, $"{objects.Count} objects");
        var segments = new List<(DateTimeOffset Start, double Duration, string Key)>();
        foreach (var o in objects)
        {
            var file = Path.GetFileName(o.Key);
            Assert.Matches(new Regex(@"^\d{8}T\d{6}-0[56]00\.mp4$"), file); // strftime name in the camera's zone
            Assert.True(SegmentName.TryParseStart(file, out var start));
            Assert.Equal(TimeZoneInfo.FindSystemTimeZoneById("America/Chicago").GetUtcOffset(start), start.Offset);
            Assert.Equal($"porch/{start:yyyyMMdd}/{start:HH}/{file}", o.Key);
            var facts = await MediaFacts.ProbeAsync(host.PathOf(o));
            Assert.True(facts.Has("h264") && facts.Has("aac"), $"{o.Key}: streams {string.Join(",", facts.Codecs)}");
            Assert.Equal("", facts.DecodeErrors);
            segments.Add((start, facts.Duration, o.Key));
            Output?.WriteLine($"{o.Key}: {facts.Duration:0.000} s, {o.Size} bytes");
        }
        // Inner segments are full length (cuts land on the first key frame after each boundary, a GOP is 1/3 s);
        // the first carries ffmpeg's probe buffer, the last ends at the stop.
        foreach (var s in segments.Skip(1).SkipLast(1))
            Assert.InRange(s.Duration, 3 - 0.6, 3 + 0.6);
        for (var i = 1; i < segments.Count; i++)
        {
            var gap = (segments[i].Start - segments[i - 1].Start).TotalSeconds - segments[i - 1].Duration;
            Assert.True(gap <= 1.0, $"gap of {gap:0.00} s between {segments[i - 1].Key} and {segments[i].Key}");
        }
        host.AssertSpoolEmpty();
        Assert.Empty(host.Logs.Matching("cut off")); // the last segment too was finalised and listed by the graceful stop
        Assert.Equal(objects.Count, host.Logs.Matching(" closed (").Count());
        Assert.NotEmpty(host.Logs.Matching("ffmpeg stopped (exit code 255)"));
        Assert.NotEmpty(host.Logs.Matching("verified (size+md5)"));
        Assert.NotEmpty(host.Logs.Matching("local file removed"));
        Assert.NotEmpty(host.Logs.Matching(":***@")); // ffmpeg did print the URL, and it was scrubbed
        host.AssertNoSecrets();
        ReportLatency(host);
    }

    private static void ReportLatency(EngineHarness host)
    {
        var lines = host.Logs.Lines;
        var closed = lines.Where(l => l.Message.Contains(" closed (", StringComparison.Ordinal)).ToList();
        foreach (var c in closed)
        {
            var file = Regex.Match(c.Message, @"segment (\S+\.mp4)").Groups[1].Value;
            var up = lines.FirstOrDefault(l => l.Message.Contains("uploaded", StringComparison.Ordinal) && l.Message.Contains(file, StringComparison.Ordinal));
            if (up is not null)
                Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"latency {file}: listed → verified in {(up.At - c.At).TotalMilliseconds:0} ms"));
        }
    }
}
