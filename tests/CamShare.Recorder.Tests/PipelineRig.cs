using CamShare.Core.Configuration;
using CamShare.Core.Pipeline;
using CamShare.Core.Spool;
using CamShare.Core.Storage.Local;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CamShare.Recorder.Tests;

/// <summary>Spool, journal and destination queues without a camera: segments are files of random bytes.</summary>
public sealed class PipelineRig : IAsyncDisposable
{
    public const string Camera = "cam";
    private readonly CancellationTokenSource _cts = new();
    private readonly List<Task> _runs = [];

    public PipelineRig(string? root = null, long maxSizeMb = 0, PipelineOptions? options = null, CapturingLogger? logs = null,
        bool keepLocal = false, params string[] destinations)
    {
        Root = root ?? EngineHarness.NewRoot();
        Logs = logs ?? new CapturingLogger();
        Options = options ?? new PipelineOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(50), RetryMaxDelay = TimeSpan.FromMilliseconds(200) };
        Destinations = destinations.Length == 0 ? ["nas"] : destinations;
        var factory = Logs.CreateFactory();
        Journal = SegmentJournal.Open(Path.Combine(SpoolPath, SegmentSpool.JournalFileName), factory.CreateLogger("CamShare.Spool"), out var live);
        Live = live;
        Spool = new SegmentSpool(new SpoolSettings { Path = SpoolPath, MaxSizeMb = maxSizeMb, KeepLocal = keepLocal }, Journal, factory.CreateLogger("CamShare.Spool"), TimeProvider.System);
        foreach (var d in Destinations)
        {
            var storage = new FaultInjectingStorage(new LocalStorageProvider(new LocalStorageOptions { Path = Path.Combine(Root, "storage-" + d) }));
            Storages[d] = storage;
            Queues[d] = new DestinationPipeline(d, storage, Spool, s => KeyTemplate.Render("{camera}/{yyyyMMdd}/{file}", s.Camera, s.FileName, s.Start),
                Options, factory.CreateLogger("CamShare.Upload"), TimeProvider.System, origin: "test plugin");
            Spool.Subscribe(Queues[d]);
        }
        Directory.CreateDirectory(RecFolder);
    }

    public string Root { get; }
    public string SpoolPath => Path.Combine(Root, "spool");
    public string RecFolder => SegmentSpool.RecordingFolderOf(SpoolPath, Camera);
    public CapturingLogger Logs { get; }
    public PipelineOptions Options { get; }
    public string[] Destinations { get; }
    public SegmentJournal Journal { get; }
    public IReadOnlyList<JournalState> Live { get; }
    public SegmentSpool Spool { get; }
    public Dictionary<string, FaultInjectingStorage> Storages { get; } = new();
    public Dictionary<string, DestinationPipeline> Queues { get; } = new();

    public void Start()
    {
        foreach (var q in Queues.Values) _runs.Add(q.RunAsync(_cts.Token));
    }

    public string WriteSegment(DateTimeOffset start, int bytes)
    {
        var path = Path.Combine(RecFolder, start.ToString("yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture) + "+0000.mp4");
        var data = new byte[bytes];
        Random.Shared.NextBytes(data);
        File.WriteAllBytes(path, data);
        return path;
    }

    public async Task<SpoolSegment?> AdmitAsync(string path)
    {
        // The spool publishes the admitted segment to the destinations it subscribed.
        return await Spool.AdmitAsync(Camera, path, Destinations, CancellationToken.None);
    }

    public IReadOnlyList<JournalState> JournalLive() =>
        SegmentJournal.Fold(SegmentJournal.ReadRecords(Journal.Path, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(50);
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(50);
        }
    }

    /// <summary>Stops the queues and closes the journal, keeping the folder (a restart can reopen it).</summary>
    public async Task ShutdownAsync()
    {
        await _cts.CancelAsync();
        try { await Task.WhenAll(_runs); } catch (OperationCanceledException) { }
        Journal.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
