using System.Globalization;
using CamShare.Abstractions;
using CamShare.Core.Configuration;
using CamShare.Core.Spool;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Recording;

/// <summary>
/// Records one camera and supervises its ffmpeg forever: each complete segment the run's list reports goes to
/// the spool (through <see cref="SegmentIntake"/>), a run whose output stops advancing is killed, and an exit is
/// followed by a restart: after 1 s when the run recorded something, else with a growing delay that ends early
/// the moment the camera's port answers again. Crash leftovers are <see cref="SegmentRecovery"/>'s job.
/// Never looks at a file ffmpeg may still be writing.
/// </summary>
public sealed class CameraRecorder
{
    /// <summary>Hands a complete segment file (under its final name) to the spool.</summary>
    public delegate Task AdmitSegment(CameraSettings camera, string path, CancellationToken cancellationToken);

    private readonly CameraSettings _camera;
    private readonly string _rec;
    private readonly RecorderOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private readonly MediaProbe _probe;
    private readonly SegmentIntake _intake;
    private readonly SegmentRecovery _recovery;
    private readonly CameraReachability _reachability;
    private StreamInfo? _streams;
    private volatile FfmpegRun? _ffmpeg;
    private int _runs;
    private DateTimeOffset _lastDiskFullLog = DateTimeOffset.MinValue;

    public CameraRecorder(CameraSettings camera, SegmentSpool spool, AdmitSegment admit, RecorderOptions options,
        ILogger logger, TimeProvider time)
    {
        _camera = camera;
        _rec = SegmentSpool.RecordingFolderOf(spool.Root, camera.Name);
        var quarantine = SegmentSpool.QuarantineFolderOf(spool.Root, camera.Name);
        _options = options;
        _logger = logger;
        _time = time;
        _redactor = new SecretRedactor(camera.Password);
        _probe = new MediaProbe(options.FfmpegPath, options.FfprobePath);
        Directory.CreateDirectory(_rec);
        var zone = string.IsNullOrEmpty(camera.TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(camera.TimeZone);
        var namer = new SegmentNamer(_rec, zone,
            name => spool.Contains(camera.Name, name) || SegmentIntake.NameInFolders(_rec, quarantine, name));
        _intake = new SegmentIntake(camera, _rec, quarantine, namer, admit, logger);
        _recovery = new SegmentRecovery(camera, _rec, _intake, _probe, options, logger, time, name => spool.Contains(camera.Name, name));
        _reachability = new CameraReachability(camera);
    }

    public string Camera => _camera.Name;

    /// <summary>PID of the running ffmpeg, if any (diagnostics and tests).</summary>
    public int? FfmpegPid { get { try { return _ffmpeg is { HasExited: false } p ? p.Pid : null; } catch (InvalidOperationException) { return null; } } }

    /// <summary>How many times ffmpeg was started.</summary>
    public int Runs => Volatile.Read(ref _runs);

    /// <summary>When the last segment was taken in (null before the first).</summary>
    public DateTimeOffset? LastSegmentAt { get; private set; }

    /// <summary>Whether ffmpeg is running now.</summary>
    public bool IsRecording => FfmpegPid is not null;

    private readonly Queue<DateTimeOffset> _runStarts = new();

    /// <summary>ffmpeg runs started in the last hour (the first run counts: a healthy camera shows 1).</summary>
    public int RunsInLastHour
    {
        get
        {
            lock (_runStarts)
            {
                var since = _time.GetUtcNow().AddHours(-1);
                while (_runStarts.Count > 0 && _runStarts.Peek() < since) _runStarts.Dequeue();
                return _runStarts.Count;
            }
        }
    }

    private void RecordRunStart()
    {
        lock (_runStarts) _runStarts.Enqueue(_time.GetUtcNow());
        CamShareMetrics.FfmpegStarted(_camera.Name);
    }

    /// <summary>Set by tests to simulate the host dying: the loop stops at once, touching nothing.</summary>
    internal CancellationToken Crash { get; set; }

    /// <summary>
    /// Records until <paramref name="stopping"/> fires, then stops ffmpeg gracefully and admits its last segment.
    /// <paramref name="admitting"/> bounds the admission work (hashing, journaling) during the stop.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping, CancellationToken admitting)
    {
        Directory.CreateDirectory(_rec);
        await _recovery.RecoverAsync(admitting).ConfigureAwait(false);
        var failures = 0;
        while (!stopping.IsCancellationRequested && !Crash.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            var outcome = await RunOnceAsync(stopping, admitting).ConfigureAwait(false);
            if (outcome is null) return; // stopped (or crashed)
            var (what, reason, recorded) = outcome.Value;
            // A run that recorded something was healthy: restart at once. Only runs that never got going back off.
            failures = recorded ? 0 : failures + 1;
            var delay = failures == 0 ? _options.InitialRestartDelay
                : TimeSpan.FromTicks(Math.Min(_options.InitialRestartDelay.Ticks << Math.Min(failures - 1, 20), _options.MaxRestartDelay.Ticks));
            _logger.LogWarning("{Camera}: ffmpeg {Outcome} after {Seconds:0.0} s: {Reason}; restarting in {Delay:0} s{Early}",
                _camera.Name, what, _time.GetElapsedTime(started).TotalSeconds, reason, delay.TotalSeconds,
                delay > _options.InitialRestartDelay && _reachability.CanProbe ? " (sooner if the camera answers again)" : "");
            try
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, Crash);
                await WaitBeforeRestartAsync(delay, either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits out <paramref name="delay"/>, but returns as soon as the camera's port starts answering
    /// after it did not: recording resumes within about a second of the camera coming back.</summary>
    private async Task WaitBeforeRestartAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp();
        if (delay <= _options.ReachabilityPollInterval || !_reachability.CanProbe)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return;
        }
        var wasReachable = await _reachability.AnswersAsync(_options.ReachabilityPollInterval, cancellationToken).ConfigureAwait(false);
        while (_time.GetElapsedTime(deadline) < delay)
        {
            await Task.Delay(_options.ReachabilityPollInterval, _time, cancellationToken).ConfigureAwait(false);
            var reachable = await _reachability.AnswersAsync(_options.ReachabilityPollInterval, cancellationToken).ConfigureAwait(false);
            if (reachable && !wasReachable)
            {
                _logger.LogInformation("{Camera}: the camera answers again; restarting ffmpeg now", _camera.Name);
                return;
            }
            wasReachable = reachable;
        }
    }

    /// <summary>One ffmpeg run. Returns why it ended and whether it recorded anything, or null when it ended
    /// because the host is stopping.</summary>
    private async Task<(string What, string Reason, bool Recorded)?> RunOnceAsync(CancellationToken stopping, CancellationToken admitting)
    {
        if (_streams is null && !FfmpegCommand.IsDemo(_camera) && (_camera.Audio == AudioMode.Auto || _camera.AppleCompatibleHevc))
            await ProbeStreamsAsync(stopping).ConfigureAwait(false);
        if (stopping.IsCancellationRequested) return null;

        var runId = SegmentNamer.NewRunId(_time.GetUtcNow());
        var listPath = Path.Combine(_rec, $"list-{runId}.csv");
        var pidPath = Path.Combine(_rec, $"ffmpeg-{runId}.pid");
        var list = new SegmentListReader(listPath);
        var run = FfmpegRun.Start(_options.FfmpegPath, FfmpegCommand.Record(_camera, _rec, listPath, _streams, runId), _rec,
            _camera.TimeZone, _options.OwnSession, _redactor, _logger, _camera.Name, _time,
            (file, at) => _intake.Namer.RecordOpened(file, at));
        Interlocked.Increment(ref _runs);
        RecordRunStart();
        await File.WriteAllTextAsync(pidPath, run.Pid.ToString(CultureInfo.InvariantCulture), CancellationToken.None).ConfigureAwait(false);
        _ffmpeg = run;
        _logger.LogInformation("{Camera}: ffmpeg started (pid {Pid}, {Seconds} s segments)", _camera.Name, run.Pid, _camera.SegmentSeconds);

        using var wake = new SemaphoreSlim(0);
        using var watcher = CreateWatcher(wake);
        var stall = TimeSpan.FromSeconds(Math.Max(1, _camera.StallTimeoutSeconds));
        string? what = null;
        var graceful = false;
        var recorded = 0;
        try
        {
            while (!run.HasExited)
            {
                if (Crash.IsCancellationRequested) return null;
                if (stopping.IsCancellationRequested && !graceful)
                {
                    graceful = true;
                    await run.StopGracefullyAsync(_options.StopTimeout).ConfigureAwait(false);
                    break;
                }
                recorded += await TakeListedAsync(list, admitting).ConfigureAwait(false);
                if (run.SinceProgress >= stall)
                {
                    what = $"stalled (its output did not advance for {_camera.StallTimeoutSeconds} s), killed";
                    _logger.LogWarning("{Camera}: ffmpeg's output did not advance for {Seconds} s (camera frozen or stream stuck); killing ffmpeg (pid {Pid})",
                        _camera.Name, _camera.StallTimeoutSeconds, run.Pid);
                    run.Kill();
                    break;
                }
                try
                {
                    await wake.WaitAsync(_options.PollInterval, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) { }
            }
            await run.WaitForExitAsync().ConfigureAwait(false);
            if (Crash.IsCancellationRequested) return null;

            // ffmpeg is gone: the rest of its list is final, and whatever it left unlisted may be checked now.
            recorded += await TakeListedAsync(list, admitting).ConfigureAwait(false);
            await _recovery.HandleLeftoversAsync(admitting).ConfigureAwait(false);
            SegmentRecovery.TryDelete(listPath);
            SegmentRecovery.TryDelete(pidPath);
            ReportFullDisk(run);
            if (graceful || stopping.IsCancellationRequested)
            {
                _logger.LogInformation("{Camera}: ffmpeg stopped (exit code {Code})", _camera.Name, run.ExitCode);
                return null;
            }
            return (what ?? $"exited (exit code {run.ExitCode})", run.ExitReason(), recorded > 0);
        }
        finally
        {
            _ffmpeg = null;
            if (!Crash.IsCancellationRequested) run.Dispose();
        }
    }

    private async Task<int> TakeListedAsync(SegmentListReader list, CancellationToken cancellationToken)
    {
        var taken = await _recovery.TakeListedAsync(list.ReadNew(), cancellationToken).ConfigureAwait(false);
        if (taken > 0) LastSegmentAt = _time.GetUtcNow();
        return taken;
    }

    // "Error writing trailer: Invalid argument" is what ffmpeg says on a full disk; say it plainly.
    private void ReportFullDisk(FfmpegRun run)
    {
        var free = DiskSpace.FreeBytes(_rec);
        var full = free is < 1 << 20 || run.Tail.Lines.Any(l => l.Contains("No space left on device", StringComparison.OrdinalIgnoreCase));
        if (!full) return;
        var now = _time.GetUtcNow();
        if (now - _lastDiskFullLog < TimeSpan.FromMinutes(1)) return;
        _lastDiskFullLog = now;
        _logger.LogError("{Camera}: the spool disk is full ({Free} free at {Path}); segments cannot be recorded completely. Free space, or lower spool.maxSizeMb / raise spool.minFreeMb",
            _camera.Name, free is { } f ? $"{f / 1048576.0:0.0} MB" : "nothing", _rec);
    }

    private FileSystemWatcher? CreateWatcher(SemaphoreSlim wake)
    {
        try
        {
            var watcher = new FileSystemWatcher(_rec, "list-*.csv") { NotifyFilter = NotifyFilters.Size | NotifyFilters.LastWrite | NotifyFilters.FileName };
            watcher.Changed += (_, _) => Wake(wake);
            watcher.Created += (_, _) => Wake(wake);
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            return null; // the poll still works
        }
    }

    private static void Wake(SemaphoreSlim wake)
    {
        try { if (wake.CurrentCount == 0) wake.Release(); } catch (ObjectDisposedException) { }
    }

    private async Task ProbeStreamsAsync(CancellationToken cancellationToken)
    {
        try
        {
            _streams = await _probe.ProbeCameraAsync(_camera, _redactor, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("{Camera}: stream has video {Video}, audio {Audio}", _camera.Name,
                _streams.VideoCodec ?? "none", _streams.AudioCodec ?? "none");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // ffmpeg itself will report the camera's state; audio then defaults to AAC, which MP4 always holds.
            _logger.LogDebug("{Camera}: stream probe failed: {Error}", _camera.Name, _redactor.Redact(ex.Message));
        }
    }
}
