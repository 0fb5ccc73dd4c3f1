using CamShare.Abstractions;
using CamShare.Core;
using CamShare.Core.Configuration;
using CamShare.Core.Pipeline;
using CamShare.Core.Storage.Local;
using CamShare.Viewer;

namespace CamShare.ViewerHost.Tests.Fixtures;

/// <summary>
/// The real engine, in this process, recording a real RTSP camera into <see cref="HostSite"/>'s local storage
/// with encryption and the viewer on. Until CamShare.Crypt's transform is merged the content is encrypted by
/// <see cref="TestCryptTransform"/> (which is why this runs in-process rather than as `camshare run`).
/// </summary>
internal sealed class HostEngine : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private HostEngine(CamShareEngine engine, ListLogger logs)
    {
        Engine = engine;
        Logs = logs;
        _running = Task.Run(() => engine.RunAsync(_stop.Token));
    }

    public CamShareEngine Engine { get; }
    public ListLogger Logs { get; }

    public static byte[] Key => RcloneCryptKey.DeriveDataKey(HostSite.Password, HostSite.Password2);

    public static HostEngine Start(HostSite site, string cameraUrl, int segmentSeconds = 4,
        Func<IStorageProvider, IStorageProvider>? wrap = null, ListLogger? logs = null)
    {
        var local = new LocalStorageProvider(new LocalStorageOptions { Path = site.StoragePath });
        var settings = new CamShareSettings
        {
            Cameras = [new CameraSettings { Name = HostSite.Camera, Url = cameraUrl, SegmentSeconds = segmentSeconds, Destinations = [HostSite.Storage], RtspTimeoutSeconds = 3 }],
            Storages = [new StorageSettings
            {
                Name = HostSite.Storage, Provider = LocalStoragePlugin.ProviderName, Options = new LocalStorageOptions { Path = site.StoragePath },
                Encryption = new EncryptionSettings { Password = HostSite.Password, Password2 = HostSite.Password2 },
                Viewer = new ViewerSettings(),
            }],
            Spool = new SpoolSettings { Path = site.SpoolPath },
        };
        var encrypted = Directory.CreateDirectory(Path.Combine(site.Root, "encrypted-uploads")).FullName;
        logs ??= new ListLogger();
        var engine = new CamShareEngine(settings, new Dictionary<string, IStorageProvider> { [HostSite.Storage] = wrap?.Invoke(local) ?? local }, logs)
        {
            Transforms = new Dictionary<string, ISegmentTransform> { [HostSite.Storage] = new TestCryptTransform(Key, encrypted) },
            Options = new CamShareEngineOptions { ShutdownGrace = TimeSpan.FromSeconds(15) },
        };
        return new HostEngine(engine, logs);
    }

    /// <summary>Waits until <paramref name="count"/> log lines contain <paramref name="text"/>.</summary>
    public async Task WaitForLinesAsync(string text, int count, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (Logs.Lines.Count(l => l.Contains(text, StringComparison.Ordinal)) < count)
        {
            if (_running.IsCompleted) await _running; // the engine's own failure, if any
            if (DateTime.UtcNow > deadline) Assert.Fail($"not {count} lines with \"{text}\" after {seconds} s:\n{Logs.Text}");
            await Task.Delay(200);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_running.IsCompleted)
        {
            try { await StopAsync(); }
            catch (TimeoutException) { }
        }
        await Engine.DisposeAsync();
        _stop.Dispose();
    }
}
