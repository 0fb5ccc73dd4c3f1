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
