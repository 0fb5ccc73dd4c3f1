using CamShare.Abstractions;
using CamShare.Core;
using CamShare.Core.Configuration;
using CamShare.Core.Recording;
using CamShare.Core.Spool;
using CamShare.Core.Storage.Local;
using CamShare.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CamShare.Recorder.Tests;

/// <summary>One CamShareEngine on a temporary spool, recording one camera into a local storage.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    public const string User = "viewer";
    public const string Password = "s3cr:t@pa55/%x";
    public const string CameraName = "porch";
    public const string Destination = "nas";

    private CancellationTokenSource? _stop;

    public EngineHarness(string root, CameraSettings camera, CapturingLogger? logs = null)
    {
        Root = root;
        Camera = camera;
        Logs = logs ?? new CapturingLogger();
        Directory.CreateDirectory(StoragePath);
        Local = new LocalStorageProvider(new LocalStorageOptions { Path = StoragePath });
        Storage = new FaultInjectingStorage(Local);
    }

    public static EngineHarness Create(RtspCamera camera, int segmentSeconds = 3) => new(NewRoot(), new CameraSettings
    {
        Name = CameraName, Url = camera.Url, Username = User, Password = Password, SegmentSeconds = segmentSeconds,
        Destinations = [Destination], TimeZone = "America/Chicago", RtspTimeoutSeconds = 2, StallTimeoutSeconds = 6,
    });

    /// <summary>A second engine on the same spool and storage (a restart of the host).</summary>
    public EngineHarness Restart() => new(Root, Camera, Logs) { };

    public static string NewRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "camshare-rec-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        return root;
    }

    public string Root { get; }
    public string SpoolPath => Path.Combine(Root, "spool");
    public string StoragePath => Path.Combine(Root, "storage");
    public string RecFolder => SegmentSpool.RecordingFolderOf(SpoolPath, Camera.Name);
    public CameraSettings Camera { get; }
    public CapturingLogger Logs { get; }
    public LocalStorageProvider Local { get; }
    public FaultInjectingStorage Storage { get; }
    public CamShareEngine? Engine { get; private set; }
    public Task? Running { get; private set; }
    public long MaxSpoolMb { get; set; }

    public CameraRecorder Recorder => Engine!.Recorders.Single();

    public void Start()
    {
        var settings = new CamShareSettings
        {
            Cameras = [Camera],
            Storages = [new StorageSettings { Name = Destination, Provider = "local" }],
            Spool = new SpoolSettings { Path = SpoolPath, MaxSizeMb = MaxSpoolMb },
        };
        Engine = new CamShareEngine(settings, new Dictionary<string, IStorageProvider> { [Destination] = Storage }, Logs.CreateFactory())
        {
            Options = new CamShareEngineOptions { ShutdownGrace = TimeSpan.FromSeconds(10) },
        };
        _stop = new CancellationTokenSource();
        Running = Task.Run(() => Engine.RunAsync(_stop.Token));
    }

    /// <summary>Ctrl-C: the engine stops ffmpeg with one SIGINT, uploads the last segment, returns.</summary>
    public async Task StopAsync()
    {
        if (_stop is null || Running is null) return;
        await _stop.CancelAsync();
        await Running.WaitAsync(TimeSpan.FromSeconds(40));
    }

    public async Task<List<StoredObject>> ObjectsAsync()
    {
        var list = new List<StoredObject>();
        await foreach (var o in Local.ListAsync("", CancellationToken.None)) list.Add(o);
        return list.OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
    }

    public string PathOf(StoredObject o) => Path.Combine(StoragePath, o.Key);

    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (Running is { IsFaulted: true }) await Running; // surface the engine's exception
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what}\n{Logs.AllText}");
            await Task.Delay(200);
        }
    }

    public Task WaitForObjectsAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(async () => (await ObjectsAsync()).Count >= count, timeout, $"{count} uploaded objects");

    /// <summary>The RTSP password (plain, percent-encoded, or a telling fragment) appears in no log line or exception.</summary>
    public void AssertNoSecrets()
    {
        var text = Logs.AllText;
        Assert.DoesNotContain(Password, text);
        Assert.DoesNotContain(Uri.EscapeDataString(Password), text);
        Assert.DoesNotContain("s3cr", text);
        Assert.DoesNotContain("pa55", text);
    }

    /// <summary>Nothing left in the spool: no segment, list or pid file, and no journal entry with work left.</summary>
    public void AssertSpoolEmpty()
    {
        Assert.Empty(Directory.EnumerateFiles(RecFolder));
        var journal = Path.Combine(SpoolPath, SegmentSpool.JournalFileName);
        var live = SegmentJournal.Fold(SegmentJournal.ReadRecords(journal, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        Assert.Empty(live);
    }

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); } catch (Exception) { /* the test already failed */ }
        KillStrayFfmpeg(Root);
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    /// <summary>SIGKILLs ffmpeg processes this test started (their command line names its temporary folder).</summary>
    public static void KillStrayFfmpeg(string root)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(root, StringComparison.Ordinal))
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (Exception) { }
        }
    }
}
