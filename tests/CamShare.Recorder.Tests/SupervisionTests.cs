using System.Diagnostics;
using CamShare.Core.Recording;
using CamShare.Core.Spool;
using CamShare.Testing;
using Xunit;

namespace CamShare.Recorder.Tests;

/// <summary>The supervisor against a real camera that goes away, freezes, or whose ffmpeg is killed.</summary>
public sealed class SupervisionTests
{
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact(Timeout = 120_000)]
    public async Task Camera_stopped_and_restarted_recording_resumes()
    {
        await using var camera = await RtspCamera.StartAsync(EngineHarness.User, EngineHarness.Password);
        await using var host = EngineHarness.Create(camera);
        host.Start();
        await host.WaitForObjectsAsync(1, TimeSpan.FromSeconds(40));

        await camera.StopAsync();
        var down = Stopwatch.StartNew();
        await host.WaitUntilAsync(() => Task.FromResult(host.Logs.Matching("restarting in").Any()), TimeSpan.FromSeconds(30), "a restart");
        Output?.WriteLine($"camera stop → ffmpeg exit noticed in {down.Elapsed.TotalSeconds:0.0} s");
        await Task.Delay(3000, TestContext.Current.CancellationToken); // a few failed attempts against a dead port
        await camera.StartAgainAsync();
        var back = DateTimeOffset.Now;
        var resumed = Stopwatch.StartNew();

        await host.WaitUntilAsync(async () => (await host.ObjectsAsync()).Any(o => StartOf(o.Key) > back.AddSeconds(1)),
            TimeSpan.FromSeconds(60), "a segment recorded after the camera came back");
        Output?.WriteLine($"camera back → first new segment verified in {resumed.Elapsed.TotalSeconds:0.0} s");
        await host.StopAsync();

        Assert.True(host.Recorder.Runs >= 2, $"ffmpeg ran {host.Recorder.Runs} time(s)");
        var restarts = host.Logs.Matching("restarting in").ToList();
        Assert.NotEmpty(restarts);
        Assert.All(restarts, r => Assert.Contains("ffmpeg exited", r.Message));
        foreach (var o in await host.ObjectsAsync())
        {
            var facts = await MediaFacts.ProbeAsync(host.PathOf(o));
            Assert.True(facts.Has("h264") && facts.Has("aac"), o.Key);
            Assert.Equal("", facts.DecodeErrors);
        }
        host.AssertSpoolEmpty();
        host.AssertNoSecrets();
    }

    [Theory(Timeout = 120_000)]
    [InlineData(2, 30, "ffmpeg exited")]                   // ffmpeg's RTSP socket timeout notices first
    [InlineData(60, 4, "ffmpeg stalled (its output did not advance for 4 s)")] // the watchdog notices first
    public async Task Frozen_camera_is_detected_and_ffmpeg_restarted(int rtspTimeout, int stallTimeout, string expected)
    {
        await using var camera = await RtspCamera.StartAsync(EngineHarness.User, EngineHarness.Password);
        await using var host = EngineHarness.Create(camera);
        host.Camera.RtspTimeoutSeconds = rtspTimeout;
        host.Camera.StallTimeoutSeconds = stallTimeout;
        host.Start();
        await host.WaitForObjectsAsync(1, TimeSpan.FromSeconds(40));
        var firstPid = host.Recorder.FfmpegPid;
        Assert.NotNull(firstPid);

        camera.Freeze();
        var frozen = Stopwatch.StartNew();
        await host.WaitUntilAsync(() => Task.FromResult(host.Logs.Matching("restarting in").Any()), TimeSpan.FromSeconds(40),
            "the timeout or the watchdog to end the frozen ffmpeg");
        var restart = host.Logs.Matching("restarting in").First().Message;
        Output?.WriteLine($"freeze → ffmpeg ended in {frozen.Elapsed.TotalSeconds:0.0} s: {restart}");
        Assert.Contains(expected, restart);
        Assert.False(ProcessSignals.Exists(firstPid.Value) && IsFfmpeg(firstPid.Value), "the frozen ffmpeg is still running");

        camera.Thaw();
        var thawed = DateTimeOffset.Now;
        await host.WaitUntilAsync(async () => (await host.ObjectsAsync()).Any(o => StartOf(o.Key) > thawed.AddSeconds(1)),
            TimeSpan.FromSeconds(60), "a segment recorded after the camera thawed");
        await host.StopAsync();

        Assert.True(host.Recorder.Runs >= 2);
        foreach (var o in await host.ObjectsAsync())
            Assert.Equal("", (await MediaFacts.ProbeAsync(host.PathOf(o))).DecodeErrors);
        host.AssertSpoolEmpty();
        host.AssertNoSecrets();
    }

    [Fact(Timeout = 120_000)]
    public async Task Ffmpeg_killed_mid_segment_is_restarted_and_the_cut_off_segment_uploaded_playable()
    {
        await using var camera = await RtspCamera.StartAsync(EngineHarness.User, EngineHarness.Password);
        await using var host = EngineHarness.Create(camera, segmentSeconds: 4);
        host.Start();
        await host.WaitForObjectsAsync(1, TimeSpan.FromSeconds(40));

        // Wait until the segment being written is ~2.5 s old, then kill ffmpeg (no chance to finish it).
        // ffmpeg writes run-unique names; the recorder names each complete (or recovered) segment by its open time.
        var killed = false;
        var firstSeen = new Dictionary<string, DateTime>();
        await host.WaitUntilAsync(() =>
        {
            var newest = Directory.EnumerateFiles(host.RecFolder, "*.mp4").Order(StringComparer.Ordinal).LastOrDefault();
            if (newest is null) return Task.FromResult(false);
            if (!firstSeen.TryGetValue(newest, out var seen)) firstSeen[newest] = seen = DateTime.UtcNow;
            var age = (DateTime.UtcNow - seen).TotalSeconds;
            if (age < 2.2 || age > 2.8) return Task.FromResult(false);
            var pid = host.Recorder.FfmpegPid;
            if (pid is null) return Task.FromResult(false);
            ProcessSignals.Send(pid.Value, ProcessSignals.SigKill);
            killed = true;
            return Task.FromResult(true);
        }, TimeSpan.FromSeconds(30), "a segment 2.5 s into recording");
        Assert.True(killed);
        string? victim = null;
        await host.WaitUntilAsync(() =>
        {
            var line = host.Logs.Matching("was cut off but is playable").FirstOrDefault();
            if (line is not null) victim = System.Text.RegularExpressions.Regex.Match(line.Message, @"segment (\S+\.mp4)").Groups[1].Value;
            return Task.FromResult(victim is not null);
        }, TimeSpan.FromSeconds(40), "the cut-off segment to be recovered");
        Output?.WriteLine($"killed ffmpeg while it wrote {victim}");

        await host.WaitUntilAsync(async () => (await host.ObjectsAsync()).Any(o => o.Key.EndsWith(victim!, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(40), $"the cut-off segment {victim} to be uploaded");
        await host.WaitUntilAsync(() => Task.FromResult(host.Recorder.Runs >= 2 && host.Recorder.FfmpegPid is not null), TimeSpan.FromSeconds(20), "ffmpeg restarted");
        await host.StopAsync();

        var cut = (await host.ObjectsAsync()).Single(o => o.Key.EndsWith(victim!, StringComparison.Ordinal));
        var facts = await MediaFacts.ProbeAsync(host.PathOf(cut));
        Output?.WriteLine($"cut-off segment: {facts.Duration:0.00} s, {string.Join(",", facts.Codecs)}, decode errors: '{facts.DecodeErrors}'");
        Assert.True(facts.Has("h264"));
        Assert.InRange(facts.Duration, 1.5, 4.0);
        Assert.Equal("", facts.DecodeErrors);
        Assert.Contains(host.Logs.Lines, l => l.Message.Contains(victim!, StringComparison.Ordinal) && l.Message.Contains("cut off", StringComparison.Ordinal) && l.Message.Contains("playable", StringComparison.Ordinal));
        Assert.Contains(host.Logs.Matching("restarting in"), l => l.Message.Contains("killed by signal 9 (SIGKILL)", StringComparison.Ordinal));
        host.AssertSpoolEmpty();
        host.AssertNoSecrets();
    }

    internal static DateTimeOffset StartOf(string key) =>
        SegmentName.TryParseStart(Path.GetFileName(key), out var start) ? start : DateTimeOffset.MinValue;

    private static bool IsFfmpeg(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim() == "ffmpeg"; }
        catch (IOException) { return false; }
    }
}
