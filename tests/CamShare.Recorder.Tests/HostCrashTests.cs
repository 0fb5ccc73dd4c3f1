using System.Text.RegularExpressions;
using CamShare.Core.Recording;
using CamShare.Core.Storage;
using CamShare.Abstractions;
using CamShare.Testing;
using Xunit;

namespace CamShare.Recorder.Tests;

/// <summary>The host dies (in-process stand-in for SIGKILL) while uploads are pending; a new host on the same spool
/// finishes the job: every finished segment arrives exactly once, under its own key, byte for byte.</summary>
public sealed class HostCrashTests
{
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact(Timeout = 150_000)]
    public async Task Host_killed_while_uploads_are_pending_every_segment_arrives_exactly_once()
    {
        await using var camera = await RtspCamera.StartAsync(EngineHarness.User, EngineHarness.Password);
        await using var first = EngineHarness.Create(camera);
        first.Storage.Unreachable = true; // segments pile up in the spool
        first.Start();
        await first.WaitUntilAsync(() => Task.FromResult(first.Logs.Matching(" closed (").Count() >= 3), TimeSpan.FromSeconds(60),
            "three closed segments");
        var orphan = first.Recorder.FfmpegPid;
        Assert.NotNull(orphan);

        // Storage comes back; the host dies right after the first object landed, before its journal heard of it.
        string? diedAfter = null;
        first.Storage.AfterInnerPut = key =>
        {
            if (Interlocked.CompareExchange(ref diedAfter, key, null) is not null) return;
            first.Engine!.SimulateCrash();
            throw new OperationCanceledException("host died");
        };
        first.Storage.Unreachable = false;
        await first.Running!.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.NotNull(diedAfter);
        Assert.True(ProcessSignals.Exists(orphan.Value), "ffmpeg should outlive the dead host, as it does after a real SIGKILL");
        await Task.Delay(2000, TestContext.Current.CancellationToken);

        await using var second = first.Restart();
        var restarted = DateTimeOffset.Now;
        second.Start();
        await second.WaitUntilAsync(async () => (await second.ObjectsAsync()).Any(o => SupervisionTests.StartOf(o.Key) > restarted.AddSeconds(1)),
            TimeSpan.FromSeconds(60), "a segment recorded by the new host");
        await second.StopAsync();

        Assert.False(ProcessSignals.Exists(orphan.Value) && File.Exists($"/proc/{orphan.Value}/cmdline") &&
                     File.ReadAllText($"/proc/{orphan.Value}/cmdline").Contains(first.Root, StringComparison.Ordinal));
        Assert.NotEmpty(second.Logs.Matching("is still recording; stopping it"));

        // Every segment either host saw finished (listed, or cut off but playable) is in storage; nothing else is.
        var finished = second.Logs.Lines
            .Select(l => Regex.Match(l.Message, @"segment (\S+\.mp4) (closed|was cut off .* is playable)"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal).ToList();
        var objects = await second.ObjectsAsync();
        var names = objects.Select(o => Path.GetFileName(o.Key)).Order(StringComparer.Ordinal).ToList();
        Output?.WriteLine($"finished: {finished.Count}, objects: {objects.Count}, host died after putting {diedAfter}");
        Assert.True(finished.Count >= 5, $"only {finished.Count} segments");
        Assert.Equal(finished, names);
        Assert.Equal(names.Count, names.Distinct().Count());

        // Byte-equal: every put of a key carried the same bytes as the object now stored (re-upload = identical overwrite).
        foreach (var o in objects)
        {
            var md5 = (await Checksums.ComputeFileAsync(second.PathOf(o), ChecksumAlgorithms.Md5, TestContext.Current.CancellationToken)).Hex;
            var puts = first.Storage.Stored.GetValueOrDefault(o.Key)?.ToList() ?? [];
            puts.AddRange(second.Storage.Stored.GetValueOrDefault(o.Key)?.ToList() ?? []);
            Assert.NotEmpty(puts);
            Assert.All(puts, p => Assert.Equal(md5, p));
            Assert.Equal("", (await MediaFacts.ProbeAsync(second.PathOf(o))).DecodeErrors);
        }
        Assert.Single(first.Storage.Stored[diedAfter!]);
        Assert.Single(second.Storage.Stored[diedAfter!]); // uploaded again, to the same key
        second.AssertSpoolEmpty();
        second.AssertNoSecrets();
    }
}
