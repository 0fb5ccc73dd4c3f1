using CamShare.Abstractions;
using CamShare.Core;
using CamShare.Core.Configuration;
using CamShare.Core.Storage.Local;
using CamShare.Retention.Tests.Support;
using CamShare.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CamShare.Retention.Tests;

/// <summary>The engine runs each storage's sweeper beside the uploads: a real camera, real ffmpeg, two storages,
/// one of whose sweeps always fails.</summary>
public sealed class EngineSweepTests : IAsyncDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("camshare-retention-engine-").FullName;

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_engine_sweeps_each_storage_and_a_failing_sweep_leaves_uploads_alone()
    {
        await using var camera = await RtspCamera.StartAsync();
        var nasPath = Path.Combine(_root, "nas");
        var nas = new LocalStorageProvider(new LocalStorageOptions { Path = nasPath });
        var broken = new UnlistableStorage(new LocalStorageProvider(new LocalStorageOptions { Path = Path.Combine(_root, "broken") }));
        var seedNow = DateTimeOffset.UtcNow.AddHours(-3);
        // Two cameras seeded, one configured: the other camera's segments are foreign to this engine.
        var seeded = await SeededRemote.SeedAsync(nas, now: seedNow);
        var retention = new RetentionSettings { Days = 10, IntervalMinutes = 600 };
        var settings = new CamShareSettings
        {
            Cameras = [new CameraSettings { Name = "porch", Url = camera.Url, SegmentSeconds = 3, Destinations = ["nas", "broken"], TimeZone = "America/Chicago" }],
            Storages =
            [
                new StorageSettings { Name = "nas", Provider = "local", Retention = retention },
                new StorageSettings { Name = "broken", Provider = "local", Retention = retention },
            ],
            Spool = new SpoolSettings { Path = Path.Combine(_root, "spool"), MaxSizeMb = 0, MinFreeMb = 0 },
        };
        var logs = new LogLines();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        await using var engine = new CamShareEngine(settings, new Dictionary<string, IStorageProvider> { ["nas"] = nas, ["broken"] = broken }, factory)
        {
            Options = new CamShareEngineOptions { RetentionFirstSweepDelay = TimeSpan.Zero },
        };
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => engine.RunAsync(stop.Token), TestContext.Current.CancellationToken);

        // Wait (not a timed assertion: the limit only ends a hung test) for both sweeps and two uploads to 'broken'.
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (!(engine.Sweepers.Count == 2 && engine.Sweepers.Values.All(s => s.Sweeps >= 1) && Recorded(broken).Count >= 2))
        {
            Assert.False(running.IsCompleted, "the engine stopped: " + string.Join('\n', logs.Lines));
            await Task.Delay(200, limit.Token);
        }
        await stop.CancelAsync();
        await running;

        var old = seeded.Segments.Where(s => s.Camera == "porch" && s.Start < seedNow.AddHours(3).AddDays(-10)).Select(s => s.Key).ToHashSet();
        Assert.InRange(old.Count, 80, 90); // 21 of 31 days, four a day
        var left = await SeededRemote.KeysAsync(nas);
        Assert.Empty(left.Intersect(old));
        Assert.Superset(SeededRemote.Sorted(seeded.Segments.Where(s => !old.Contains(s.Key)).Select(s => s.Key).Concat(seeded.Foreign)), left);
        Assert.Equal(engine.Sweepers["nas"].LastResult!.Deleted, old.Count);
        Assert.Contains(logs.Lines, l => l.StartsWith($"retention 'nas': deleted {old.Count} segment(s)", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.StartsWith("retention 'broken': FAILED after deleting 0 segment(s)", StringComparison.Ordinal) &&
                                         l.Contains("storage unreachable", StringComparison.Ordinal));
        // Uploads went on to both storages while 'broken' could not be swept.
        Assert.True(Recorded(broken).Count >= 2);
        Assert.Equal(SeededRemote.Sorted(Recorded(nas)), SeededRemote.Sorted(Recorded(broken)));
    }

    // Segments the engine recorded in this test (by the start time in their names: every seeded one is older).
    private List<string> Recorded(IStorageProvider storage)
    {
        var folder = storage is UnlistableStorage ? Path.Combine(_root, "broken") : Path.Combine(_root, "nas");
        var porch = Path.Combine(folder, "porch");
        if (!Directory.Exists(porch)) return [];
        return Directory.EnumerateFiles(porch, "*.mp4", SearchOption.AllDirectories)
            .Where(f => CamShare.Core.Spool.SegmentName.TryParseStart(Path.GetFileName(f), out var start) && start > _testStart)
            .Select(f => Path.GetRelativePath(folder, f)).ToList();
    }

    private readonly DateTimeOffset _testStart = DateTimeOffset.UtcNow.AddMinutes(-1);

    private sealed class LogLines : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();
        public IReadOnlyList<string> Lines => _lines.ToList();
        public ILogger CreateLogger(string categoryName) => new Logger(this);
        public void Dispose() { }

        private sealed class Logger(LogLines owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._lines.Enqueue(formatter(state, exception));
        }
    }
}
