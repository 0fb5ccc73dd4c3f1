using CamShare.Abstractions;
using CamShare.Core;
using CamShare.Core.Configuration;
using CamShare.Core.Storage.Local;
using CamShare.Testing;
using Xunit;

namespace CamShare.Recorder.Tests;

/// <summary>The engine with several cameras: the built-in demo source, and a camera that is never there.</summary>
public sealed class EngineTests
{
    [Fact(Timeout = 120_000)]
    public async Task A_dead_camera_backs_off_and_never_delays_a_working_one()
    {
        var root = EngineHarness.NewRoot();
        var logs = new CapturingLogger();
        try
        {
            var storage = new LocalStorageProvider(new LocalStorageOptions { Path = Path.Combine(root, "storage") });
            var settings = new CamShareSettings
            {
                Cameras =
                [
                    new CameraSettings { Name = "demo", Url = "demo:", SegmentSeconds = 2, Destinations = ["nas"] },
                    new CameraSettings
                    {
                        Name = "gone", Url = $"rtsp://127.0.0.1:{FreePort.Next()}/stream", Username = "u", Password = "hunter2-secret",
                        SegmentSeconds = 2, Destinations = ["nas"], RtspTimeoutSeconds = 2,
                    },
                ],
                Spool = new SpoolSettings { Path = Path.Combine(root, "spool") },
            };
            using var stop = new CancellationTokenSource();
            await using var engine = new CamShareEngine(settings, new Dictionary<string, IStorageProvider> { ["nas"] = storage }, logs.CreateFactory());
            var run = engine.RunAsync(stop.Token);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (CountObjects(storage, "demo/") < 4 || logs.Matching("gone: ffmpeg exited").Count() < 3)
            {
                Assert.True(DateTime.UtcNow < deadline, "timed out\n" + logs.AllText);
                Assert.False(run.IsCompleted, "the engine ended early\n" + logs.AllText);
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            var restarts = logs.Matching("gone: ffmpeg exited").Select(l => l.Message).ToList();
            Assert.Contains("restarting in 1 s", restarts[0]);
            Assert.Contains("restarting in 2 s", restarts[1]);
            Assert.Contains("restarting in 4 s", restarts[2]);
            Assert.All(restarts, r => Assert.Contains("Connection refused", r));
            Assert.Equal(0, CountObjects(storage, "gone/"));
            await foreach (var o in storage.ListAsync("demo/", TestContext.Current.CancellationToken))
            {
                var facts = await MediaFacts.ProbeAsync(Path.Combine(storage.Root, o.Key));
                Assert.True(facts.Has("h264") && facts.Has("aac"), o.Key);
                Assert.Equal("", facts.DecodeErrors);
            }
            Assert.DoesNotContain("hunter2", logs.AllText);
        }
        finally
        {
            EngineHarness.KillStrayFfmpeg(root);
            Directory.Delete(root, true);
        }
    }

    private static int CountObjects(LocalStorageProvider storage, string prefix) =>
        storage.ListAsync(prefix, CancellationToken.None).ToBlockingEnumerable().Count();
}

/// <summary>A graceful stop while uploads are slow: the engine returns after its grace period and the next start
/// finishes the job, each segment once.</summary>
public sealed class ShutdownTests
{
    [Fact(Timeout = 120_000)]
    public async Task Stop_with_uploads_in_flight_returns_after_the_grace_and_the_next_start_delivers_them()
    {
        var root = EngineHarness.NewRoot();
        var logs = new CapturingLogger();
        try
        {
            var local = new LocalStorageProvider(new LocalStorageOptions { Path = Path.Combine(root, "storage") });
            var slow = new FaultInjectingStorage(local) { Delay = TimeSpan.FromMinutes(10) };
            var settings = new CamShareSettings
            {
                Cameras = [new CameraSettings { Name = "demo", Url = "demo:", SegmentSeconds = 2, Destinations = ["nas"] }],
                Spool = new SpoolSettings { Path = Path.Combine(root, "spool") },
            };
            var options = new CamShareEngineOptions { ShutdownGrace = TimeSpan.FromSeconds(2) };
            using (var stop = new CancellationTokenSource())
            await using (var engine = new CamShareEngine(settings, new Dictionary<string, IStorageProvider> { ["nas"] = slow }, logs.CreateFactory()) { Options = options })
            {
                var run = engine.RunAsync(stop.Token);
                while (logs.Matching(" closed (").Count() < 2) await Task.Delay(100, TestContext.Current.CancellationToken);
                await stop.CancelAsync();
                var watch = System.Diagnostics.Stopwatch.StartNew();
                await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
                TestContext.Current.TestOutputHelper?.WriteLine($"stop took {watch.Elapsed.TotalSeconds:0.0} s");
            }
            Assert.Empty(local.ListAsync("", TestContext.Current.CancellationToken).ToBlockingEnumerable(TestContext.Current.CancellationToken));
            var closed = logs.Matching(" closed (").Count();
            Assert.True(closed >= 3, $"{closed} segments (2 + the last one finalised at the stop)");
            Assert.Single(logs.Matching($"stopped; {closed} segment(s) wait in the spool"));

            var healthy = new FaultInjectingStorage(local);
            settings.Cameras.Clear(); // a start without cameras still drains the journal
            using var stop2 = new CancellationTokenSource();
            await using var engine2 = new CamShareEngine(settings, new Dictionary<string, IStorageProvider> { ["nas"] = healthy }, logs.CreateFactory());
            var run2 = engine2.RunAsync(stop2.Token);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (local.ListAsync("", TestContext.Current.CancellationToken).ToBlockingEnumerable(TestContext.Current.CancellationToken).Count() < closed)
            {
                Assert.True(DateTime.UtcNow < deadline, logs.AllText);
                Assert.False(run2.IsCompleted, "the engine must keep running without cameras until stopped");
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
            await stop2.CancelAsync();
            await run2.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Equal(closed, healthy.PutCalls);

            // While one host runs on a spool, a second one refuses it.
            using var stop3 = new CancellationTokenSource();
            await using var holder = new CamShareEngine(settings, new Dictionary<string, IStorageProvider> { ["nas"] = healthy }, logs.CreateFactory());
            var run3 = holder.RunAsync(stop3.Token);
            await Task.Delay(500, TestContext.Current.CancellationToken);
            await using var intruder = new CamShareEngine(settings, new Dictionary<string, IStorageProvider> { ["nas"] = healthy }, logs.CreateFactory());
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => intruder.RunAsync(TestContext.Current.CancellationToken));
            Assert.Contains("in use by another CamShare process", refused.Message);
            await stop3.CancelAsync();
            await run3.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(root, "spool", "demo", "rec")));
        }
        finally
        {
            EngineHarness.KillStrayFfmpeg(root);
            Directory.Delete(root, true);
        }
    }
}
