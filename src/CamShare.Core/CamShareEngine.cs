using CamShare.Abstractions;
using CamShare.Core.Configuration;
using CamShare.Core.Pipeline;
using CamShare.Core.Publishing;
using CamShare.Core.Recording;
using CamShare.Core.Retention;
using CamShare.Core.Spool;
using Microsoft.Extensions.Logging;

namespace CamShare.Core;

/// <summary>Engine knobs that are not part of the configuration file.</summary>
public sealed class CamShareEngineOptions
{
    public RecorderOptions Recorder { get; set; } = new();
    public PipelineOptions Pipeline { get; set; } = new();

    /// <summary>After the cameras stopped, how long uploads in flight may still finish; the rest waits in the journal.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after the start the first retention sweep waits: the spool's backlog uploads first.</summary>
    public TimeSpan RetentionFirstSweepDelay { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Records every camera and uploads every finished segment to each of its destinations, exactly once per
/// destination, resuming from the spool's journal after any stop or crash.
/// </summary>
public sealed class CamShareEngine : IAsyncDisposable
{
    private readonly CamShareSettings _settings;
    private readonly IReadOnlyDictionary<string, IStorageProvider> _storages;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _crash = new();
    private readonly List<CameraRecorder> _recorders = [];
    private readonly Dictionary<string, DestinationPipeline> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RetentionSweeper> _sweepers = new(StringComparer.Ordinal);
    private SegmentJournal? _journal;
    private FileStream? _spoolLock;
    private int _started;

    /// <param name="settings">Validated settings (passwords already resolved).</param>
    /// <param name="storages">Providers by storage name; every camera destination must be among them.</param>
    /// <param name="loggerFactory">Where log lines go.</param>
    /// <param name="time">Clock and timers (tests may pass a fake).</param>
    public CamShareEngine(CamShareSettings settings, IReadOnlyDictionary<string, IStorageProvider> storages,
        ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        _settings = settings;
        _storages = storages;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("CamShare.Engine");
        _time = time ?? TimeProvider.System;
    }

    public CamShareEngineOptions Options { get; init; } = new();

    /// <summary>Where each storage's provider came from (plugin path), for plugin-fault messages.</summary>
    public IReadOnlyDictionary<string, string> Origins { get; init; } = new Dictionary<string, string>();

    /// <summary>The transform stage by storage name, for storages that need one (none: stored as recorded).
    /// Seam for the encryption transform and for tests.</summary>
    public IReadOnlyDictionary<string, ISegmentTransform> Transforms { get; init; } = new Dictionary<string, ISegmentTransform>();

    /// <summary>One recorder per camera (filled when <see cref="RunAsync"/> starts).</summary>
    public IReadOnlyList<CameraRecorder> Recorders => _recorders;

    /// <summary>One upload queue per destination in use (filled when <see cref="RunAsync"/> starts).</summary>
    public IReadOnlyDictionary<string, DestinationPipeline> Destinations => _queues;

    private readonly List<Task> _loops = [];

    /// <summary>Whether every camera's supervisor and every destination's loop is running (a systemd watchdog
    /// is fed only while this holds). False before the start and once the stop began.</summary>
    public bool LoopsAlive => _loops.Count > 0 && !_crash.IsCancellationRequested && _loops.All(t => !t.IsCompleted);

    /// <summary>The spool (set when <see cref="RunAsync"/> starts): what waits for which destination.</summary>
    public SegmentSpool? Spool { get; private set; }

    /// <summary>The settings the engine runs with.</summary>
    public CamShareSettings Settings => _settings;
    /// <summary>One retention sweeper per storage with a "retention" section (filled when <see cref="RunAsync"/> starts).</summary>
    public IReadOnlyDictionary<string, RetentionSweeper> Sweepers => _sweepers;

    /// <summary>The name decoder of an encrypted storage, for retention (see <see cref="StoredKeyDecoders"/>);
    /// null while none is wired: retention of encrypted storages then deletes nothing and says so.</summary>
    public Func<StorageSettings, IStoredKeyDecoder?>? EncryptedKeyDecoders { get; init; }

    /// <summary>
    /// Resumes the journal, starts every camera and destination queue, and runs until <paramref name="stopping"/>
    /// fires; then stops each ffmpeg gracefully, queues the final segments, lets uploads in flight finish within
    /// <see cref="CamShareEngineOptions.ShutdownGrace"/>, and returns. Unfinished work stays in the journal.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("the engine runs only once");
        Validate();
        var root = Path.GetFullPath(_settings.Spool.Path);
        Directory.CreateDirectory(root);
        _spoolLock = LockSpool(root);
        var spoolSettings = new SpoolSettings { Path = root, MaxSizeMb = _settings.Spool.MaxSizeMb, MinFreeMb = _settings.Spool.MinFreeMb, KeepLocal = _settings.Spool.KeepLocal };
        _journal = SegmentJournal.Open(Path.Combine(root, SegmentSpool.JournalFileName), _loggerFactory.CreateLogger("CamShare.Spool"), out var live);
        var spool = new SegmentSpool(spoolSettings, _journal, _loggerFactory.CreateLogger("CamShare.Spool"), _time);
        Spool = spool;

        using var uploads = CancellationTokenSource.CreateLinkedTokenSource(_crash.Token);
        var uploadLogger = _loggerFactory.CreateLogger("CamShare.Upload");
        // Destinations of the cameras, plus any a journaled segment still waits for (a camera may have been removed).
        var wanted = _settings.Cameras.SelectMany(c => c.Destinations)
            .Concat(live.SelectMany(s => s.Added.Destinations ?? []))
            .Distinct(StringComparer.Ordinal).ToList();
        foreach (var missing in wanted.Where(d => !_storages.ContainsKey(d)))
            _logger.LogWarning("Spool: segments wait for destination '{Destination}', which is no longer configured; they stay in the spool until it returns or the spool cap drops them",
                missing);
        var viewers = new ViewerPublishers(_settings, _loggerFactory.CreateLogger("CamShare.Viewer"), _time);
        foreach (var name in wanted.Where(_storages.ContainsKey))
        {
            _queues[name] = new DestinationPipeline(name, _storages[name], spool,
                s => KeyTemplate.Render(_settings.KeyTemplate, s.Camera, s.FileName, s.Start), Options.Pipeline, uploadLogger, _time,
                transform: Transforms.GetValueOrDefault(name) ?? TransformFor(name, uploads.Token),
                publisher: viewers.For(name, _storages[name]),
                origin: Origins.GetValueOrDefault(name, "built in"));
            spool.Subscribe(_queues[name]);
        }
        var queueTasks = _queues.Values.Select(q => q.RunAsync(uploads.Token)).ToList();
        _loops.AddRange(queueTasks);
        using var sweeping = CancellationTokenSource.CreateLinkedTokenSource(stopping, _crash.Token);
        var sweepTasks = StartSweepers(sweeping.Token);

        spool.Restore(live);

        var recorderLogger = _loggerFactory.CreateLogger("CamShare.Recorder");
        foreach (var camera in _settings.Cameras)
            _recorders.Add(new CameraRecorder(camera, spool, (c, path, ct) => AdmitAsync(spool, c, path, ct), Options.Recorder,
                recorderLogger, _time) { Crash = _crash.Token });
        _logger.LogInformation("CamShare: recording {Cameras} camera(s) to {Destinations} destination(s), spool {Spool}",
            _recorders.Count, _queues.Count, root);

        // Each camera on its own task: a failing or slow camera never delays another.
        var supervisors = _recorders.Select(r => Task.Run(() => SuperviseAsync(r, stopping, uploads.Token), CancellationToken.None)).ToList();
        _loops.AddRange(supervisors);
        var recording = Task.WhenAll(supervisors);
        var stopped = Task.Delay(Timeout.Infinite, stopping).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var crashed = Task.Delay(Timeout.Infinite, _crash.Token).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await Task.WhenAll(recording, Task.WhenAny(stopped, crashed)).ConfigureAwait(false); // with no camera: still drain the journal until stopped
        if (_crash.IsCancellationRequested) return;
        await WaitBrieflyAsync(sweepTasks).ConfigureAwait(false);

        foreach (var queue in _queues.Values) queue.Complete();
        var drained = Task.WhenAll(queueTasks);
        if (await Task.WhenAny(drained, Task.Delay(Options.ShutdownGrace, _time, CancellationToken.None)).ConfigureAwait(false) != drained)
        {
            foreach (var queue in _queues.Values.Where(q => q.InFlight.Count > 0))
                _logger.LogWarning("CamShare: destination '{Destination}' is still uploading {Files} after {Seconds:0} s; cancelled, they resume at the next start",
                    queue.Name, string.Join(", ", queue.InFlight.Select(s => s.FileName)), Options.ShutdownGrace.TotalSeconds);
            await uploads.CancelAsync().ConfigureAwait(false);
            // A provider that ignores cancellation is not waited for: the stop keeps its promised time.
            if (await Task.WhenAny(drained, Task.Delay(Options.Pipeline.AbandonGrace + TimeSpan.FromSeconds(1), _time, CancellationToken.None)).ConfigureAwait(false) != drained)
                _logger.LogWarning("CamShare: {Destinations} did not stop when cancelled; leaving without waiting for them",
                    string.Join(", ", _queues.Values.Where(q => q.InFlight.Count > 0).Select(q => $"'{q.Name}' ({q.Origin})")));
        }
        try { if (drained.IsCompleted) await drained.ConfigureAwait(false); } catch (OperationCanceledException) { }
        var left = spool.Pending.Count;
        _journal.Dispose();
        _spoolLock.Dispose();
        _logger.LogInformation("CamShare: stopped; {Count} segment(s) wait in the spool for the next start", left);
    }

    // Keys are derived here, once per storage (scrypt is deliberately slow), never per segment.
    private ISegmentTransform? TransformFor(string storage, CancellationToken cancellationToken)
    {
        var encryption = _settings.Storages.FirstOrDefault(s => string.Equals(s.Name, storage, StringComparison.OrdinalIgnoreCase))?.Encryption;
        if (encryption is null) return null;
        var (keys, names) = encryption.CreateCipher();
        _logger.LogInformation("Destination '{Destination}': end-to-end encryption on (rclone crypt, file names {Names}, directory names {Directories})",
            storage, names.Mode.ToString().ToLowerInvariant(),
            names.Mode == Crypt.FileNameEncryption.Standard && names.DirectoryNameEncryption ? "encrypted" : "plain");
        // In the background: recording and uploads never wait for it.
        _ = Task.Run(() => CheckKeyAsync(storage, new CryptKeyCheck(_storages[storage], keys, names), cancellationToken), CancellationToken.None);
        return new CryptTransform(keys, names);
    }

    private async Task CheckKeyAsync(string storage, CryptKeyCheck check, CancellationToken cancellationToken)
    {
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(Options.Pipeline.OperationTimeout);
            var (verdict, example) = await check.RunAsync(CryptKeyCheck.PlainPrefixOf(_settings.KeyTemplate), limit.Token).ConfigureAwait(false);
            if (verdict == CryptKeyVerdict.WrongKey)
                _logger.LogError("Destination '{Destination}': objects already there do not decrypt with the configured encryption password (e.g. {Key}): "
                    + "a wrong encryption.password or password2, or filenameEncryption/directoryNameEncryption other than the remote's; new segments are still recorded and uploaded with the configured key, so fix the setting before they mix",
                    storage, example);
            else if (verdict == CryptKeyVerdict.Matches)
                _logger.LogInformation("Destination '{Destination}': the encryption password matches the objects already there", storage);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (!cancellationToken.IsCancellationRequested)
                _logger.LogWarning("Destination '{Destination}': could not check the encryption password against existing objects ({Error})",
                    storage, SecretRedactor.PatternsOnly.Redact(ex.Message));
        }
    }

    // Each storage's retention on its own task, apart from its uploads: a slow or failing sweep delays nothing.
    private List<Task> StartSweepers(CancellationToken stopping)
    {
        var logger = _loggerFactory.CreateLogger("CamShare.Retention");
        var recognizer = new SegmentKeyRecognizer(_settings.KeyTemplate, _settings.Cameras.Select(c => c.Name));
        foreach (var storage in _settings.Storages.Where(s => s.Retention is not null && _storages.ContainsKey(s.Name)))
        {
            if (StoredKeyDecoders.For(storage, EncryptedKeyDecoders) is not { } decoder)
            {
                logger.LogWarning("retention '{Storage}': off, its object names are encrypted and this build cannot read them; nothing is deleted there",
                    storage.Name);
                continue;
            }
            var pruner = new RetentionPruner(_storages[storage.Name], recognizer, decoder);
            _sweepers[storage.Name] = new RetentionSweeper(storage.Name, pruner, storage.Retention!, logger, _time, Options.RetentionFirstSweepDelay);
        }
        return _sweepers.Values.Select(s => Task.Run(() => s.RunAsync(stopping), CancellationToken.None)).ToList();
    }

    // A sweep ends at its next cancellation check; a provider that ignores cancellation is not waited for.
    private async Task WaitBrieflyAsync(List<Task> tasks)
    {
        var all = Task.WhenAll(tasks);
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(1), _time, CancellationToken.None)).ConfigureAwait(false);
    }

    private async Task SuperviseAsync(CameraRecorder recorder, CancellationToken stopping, CancellationToken admitting)
    {
        while (true)
        {
            try
            {
                await recorder.RunAsync(stopping, admitting).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested && !_crash.IsCancellationRequested)
            {
                _logger.LogError(ex, "{Camera}: recorder failed; restarting it in 5 s", recorder.Camera);
                try { await Task.Delay(TimeSpan.FromSeconds(5), _time, stopping).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private static async Task AdmitAsync(SegmentSpool spool, CameraSettings camera, string path, CancellationToken cancellationToken) =>
        await spool.AdmitAsync(camera.Name, path, camera.Destinations, cancellationToken).ConfigureAwait(false);

    // Two hosts on one spool would upload and delete each other's segments. The lock dies with the process.
    private static FileStream LockSpool(string root)
    {
        try
        {
            return new FileStream(Path.Combine(root, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"the spool {root} is in use by another CamShare process", ex);
        }
    }

    private void Validate()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var camera in _settings.Cameras)
        {
            if (!names.Add(camera.Name)) throw new InvalidOperationException($"camera '{camera.Name}' is configured twice");
            foreach (var destination in camera.Destinations)
                if (!_storages.ContainsKey(destination))
                    throw new InvalidOperationException($"camera '{camera.Name}': destination '{destination}' has no storage provider");
        }
    }

    /// <summary>Tests: make this engine behave as if its process had been SIGKILLed right now. Nothing it does
    /// afterwards reaches the disk or the providers; its ffmpeg processes are left running, as a real crash would.</summary>
    internal void SimulateCrash()
    {
        _journal?.Kill();
        _spoolLock?.Dispose(); // the kernel would release it
        _crash.Cancel();
    }

    public ValueTask DisposeAsync()
    {
        _journal?.Dispose();
        _spoolLock?.Dispose();
        _crash.Dispose();
        return ValueTask.CompletedTask;
    }
}
