using CamShare.Abstractions;
using System.Diagnostics;
using System.Globalization;
using CamShare.Core.Configuration;
using CamShare.Core.Spool;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Recording;

/// <summary>
/// Records one camera: runs ffmpeg, hands every segment the segment list reports as complete to the spool,
/// checks unlisted leftovers with ffprobe after each ffmpeg exit, watches for stalls, and restarts ffmpeg forever
/// with capped exponential backoff. Never looks at a file ffmpeg may still be writing.
/// </summary>
public sealed class CameraRecorder
{
    /// <summary>Hands a complete segment file to the spool/pipeline.</summary>
    public delegate Task AdmitSegment(CameraSettings camera, string path, CancellationToken cancellationToken);

    private readonly CameraSettings _camera;
    private readonly string _rec;
    private readonly string _quarantine;
    private readonly RecorderOptions _options;
    private readonly SegmentSpool _spool;
    private readonly AdmitSegment _admit;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private readonly MediaProbe _probe;
    private readonly HashSet<string> _handled = new(StringComparer.Ordinal); // admitted or quarantined by this recorder
    private StreamInfo? _streams;
    private volatile Process? _ffmpeg;
    private int _runs;

    public CameraRecorder(CameraSettings camera, SegmentSpool spool, AdmitSegment admit, RecorderOptions options,
        ILogger logger, TimeProvider time)
    {
        _camera = camera;
        _spool = spool;
        _rec = SegmentSpool.RecordingFolderOf(spool.Root, camera.Name);
        _quarantine = SegmentSpool.QuarantineFolderOf(spool.Root, camera.Name);
        _admit = admit;
        _options = options;
        _logger = logger;
        _time = time;
        _redactor = new SecretRedactor(camera.Password);
        _probe = new MediaProbe(options.FfmpegPath, options.FfprobePath);
    }

    public string Camera => _camera.Name;

    /// <summary>PID of the running ffmpeg, if any (diagnostics and tests).</summary>
    public int? FfmpegPid { get { try { return _ffmpeg is { HasExited: false } p ? p.Id : null; } catch (InvalidOperationException) { return null; } } }

    /// <summary>How many times ffmpeg was started.</summary>
    public int Runs => Volatile.Read(ref _runs);

    /// <summary>Set by tests to simulate the host dying: the loop stops at once, touching nothing.</summary>
    internal CancellationToken Crash { get; set; }

    /// <summary>
    /// Records until <paramref name="stopping"/> fires, then stops ffmpeg gracefully and admits its last segment.
    /// <paramref name="admitting"/> bounds the admission work (hashing, journaling) during the stop.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping, CancellationToken admitting)
    {
        Directory.CreateDirectory(_rec);
        Directory.CreateDirectory(_quarantine);
        await RecoverAsync(admitting).ConfigureAwait(false);
        var delay = _options.InitialRestartDelay;
        while (!stopping.IsCancellationRequested && !Crash.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            var outcome = await RunOnceAsync(stopping, admitting).ConfigureAwait(false);
            if (outcome is null) return; // stopped (or crashed)
            var ran = _time.GetElapsedTime(started);
            if (ran >= _options.HealthyAfter) delay = _options.InitialRestartDelay;
            _logger.LogWarning("{Camera}: ffmpeg {Outcome} after {Seconds:0.0} s: {Reason}; restarting in {Delay:0} s",
                _camera.Name, outcome.Value.What, ran.TotalSeconds, outcome.Value.Reason, delay.TotalSeconds);
            try
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, Crash);
                await Task.Delay(delay, _time, either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRestartDelay.Ticks));
        }
    }

    /// <summary>One ffmpeg run. Returns why it ended, or null when it ended because the host is stopping.</summary>
    private async Task<(string What, string Reason)?> RunOnceAsync(CancellationToken stopping, CancellationToken admitting)
    {
        if (_streams is null && !FfmpegCommand.IsDemo(_camera) && (_camera.Audio == AudioMode.Auto || _camera.AppleCompatibleHevc))
            await ProbeStreamsAsync(stopping).ConfigureAwait(false);
        if (stopping.IsCancellationRequested) return null;

        var runId = _time.GetUtcNow().ToString("yyyyMMddTHHmmssfff", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        var listPath = Path.Combine(_rec, $"list-{runId}.csv");
        var pidPath = Path.Combine(_rec, $"ffmpeg-{runId}.pid");
        var list = new SegmentListReader(listPath);
        var tail = new StderrTail();
        var process = StartFfmpeg(listPath);
        Interlocked.Increment(ref _runs);
        await File.WriteAllTextAsync(pidPath, process.Id.ToString(CultureInfo.InvariantCulture), CancellationToken.None).ConfigureAwait(false);
        _ffmpeg = process;
        _logger.LogInformation("{Camera}: ffmpeg started (pid {Pid}, {Seconds} s segments)", _camera.Name, process.Id, _camera.SegmentSeconds);
        var stderr = PumpStderrAsync(process, tail);

        using var wake = new SemaphoreSlim(0);
        using var watcher = CreateWatcher(wake);
        var lastProgress = _time.GetTimestamp();
        (string, long) lastSeen = ("", -1);
        string? what = null;
        var graceful = false;
        try
        {
            while (!process.HasExited)
            {
                if (Crash.IsCancellationRequested) return null;
                if (stopping.IsCancellationRequested && !graceful)
                {
                    graceful = true;
                    await StopGracefullyAsync(process).ConfigureAwait(false);
                    break;
                }
                foreach (var listed in list.ReadNew())
                    await AdmitListedAsync(listed, admitting).ConfigureAwait(false);

                var seen = NewestGrowth(list);
                if (seen != lastSeen) { lastSeen = seen; lastProgress = _time.GetTimestamp(); }
                else if (_time.GetElapsedTime(lastProgress) >= TimeSpan.FromSeconds(Math.Max(1, _camera.StallTimeoutSeconds)))
                {
                    what = $"stalled (no new data for {_camera.StallTimeoutSeconds} s), killed";
                    _logger.LogWarning("{Camera}: no new segment data for {Seconds} s; ffmpeg (pid {Pid}) looks stuck, killing it",
                        _camera.Name, _camera.StallTimeoutSeconds, process.Id);
                    ProcessSignals.Send(process.Id, ProcessSignals.SigKill);
                    break;
                }
                try
                {
                    await wake.WaitAsync(_options.PollInterval, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) { }
            }
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await stderr.ConfigureAwait(false);
            if (Crash.IsCancellationRequested) return null;

            // ffmpeg is gone: the rest of its list is final, and whatever it left unlisted may be checked now.
            foreach (var listed in list.ReadNew())
                await AdmitListedAsync(listed, admitting).ConfigureAwait(false);
            await HandleLeftoversAsync(admitting).ConfigureAwait(false);
            TryDelete(listPath);
            TryDelete(pidPath);
            if (graceful || stopping.IsCancellationRequested)
            {
                _logger.LogInformation("{Camera}: ffmpeg stopped (exit code {Code})", _camera.Name, process.ExitCode);
                return null;
            }
            return (what ?? $"exited (exit code {process.ExitCode})", tail.Reason(process.ExitCode));
        }
        finally
        {
            _ffmpeg = null;
            if (!Crash.IsCancellationRequested) process.Dispose();
        }
    }

    private Process StartFfmpeg(string listPath)
    {
        var arguments = FfmpegCommand.Record(_camera, _rec, listPath, _streams);
        var useSetsid = _options.OwnSession && File.Exists("/usr/bin/setsid");
        var info = new ProcessStartInfo(useSetsid ? "/usr/bin/setsid" : _options.FfmpegPath)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = _rec,
        };
        // setsid execs ffmpeg in place (our child is no process-group leader), so the PID is ffmpeg's own.
        if (useSetsid) info.ArgumentList.Add(_options.FfmpegPath);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (!string.IsNullOrEmpty(_camera.TimeZone)) info.Environment["TZ"] = _camera.TimeZone;
        return Process.Start(info) ?? throw new InvalidOperationException("cannot start ffmpeg");
    }

    private async Task PumpStderrAsync(Process process, StderrTail tail)
    {
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        try
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
            {
                if (Crash.IsCancellationRequested) continue;
                var clean = _redactor.Redact(line);
                tail.Add(clean);
                _logger.LogDebug("{Camera}: ffmpeg: {Line}", _camera.Name, clean);
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task StopGracefullyAsync(Process process)
    {
        // Exactly one signal: a second one during the trailer write would leave a broken file.
        ProcessSignals.Send(process.Id, ProcessSignals.SigInt);
        using var cts = new CancellationTokenSource(_options.StopTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("{Camera}: ffmpeg did not stop within {Seconds:0} s of SIGINT; killing it", _camera.Name, _options.StopTimeout.TotalSeconds);
            ProcessSignals.Send(process.Id, ProcessSignals.SigKill);
        }
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

    // The newest segment file's name and size plus the list's length: any change means ffmpeg is making progress.
    private (string, long) NewestGrowth(SegmentListReader list)
    {
        try
        {
            var newest = new DirectoryInfo(_rec).EnumerateFiles("*.mp4").OrderByDescending(f => f.Name, StringComparer.Ordinal).FirstOrDefault();
            return (newest?.Name ?? "", (newest?.Length ?? 0) + list.Length * 1_000_000_007L);
        }
        catch (IOException)
        {
            return ("", 0);
        }
    }

    private async Task AdmitListedAsync(ListedSegment listed, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_rec, listed.Name);
        if (!File.Exists(path) || _spool.Contains(_camera.Name, listed.Name)) return;
        var info = new FileInfo(path);
        _handled.Add(listed.Name);
        _logger.LogInformation("{Camera}: segment {File} closed ({Seconds} s, {Size:0.0} MB)", _camera.Name, listed.Name,
            listed.Seconds is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : "?", info.Length / 1048576.0);
        try
        {
            await _admit(_camera, path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Keep recording; the file stays in rec/ and is looked at again as a leftover after this ffmpeg run.
            _handled.Remove(listed.Name);
            _logger.LogError("{Camera}: could not take segment {File} into the spool: {Error}", _camera.Name, listed.Name, ex.Message);
        }
    }

    /// <summary>
    /// Start-up: an ffmpeg left running by a host that died is stopped gracefully (its last segment is then
    /// listed), the lists of earlier runs are read, and unlisted leftovers are checked.
    /// </summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var pidFile in Directory.EnumerateFiles(_rec, "ffmpeg-*.pid"))
        {
            if (int.TryParse(await File.ReadAllTextAsync(pidFile, cancellationToken).ConfigureAwait(false), out var pid) && IsOurFfmpeg(pid))
            {
                _logger.LogWarning("{Camera}: an ffmpeg of an earlier run (pid {Pid}) is still recording; stopping it", _camera.Name, pid);
                ProcessSignals.Send(pid, ProcessSignals.SigInt);
                var deadline = _time.GetTimestamp();
                while (ProcessSignals.Exists(pid) && _time.GetElapsedTime(deadline) < _options.StopTimeout)
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                if (ProcessSignals.Exists(pid)) ProcessSignals.Send(pid, ProcessSignals.SigKill);
                while (ProcessSignals.Exists(pid) && IsOurFfmpeg(pid)) await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
            TryDelete(pidFile);
        }
        foreach (var listFile in Directory.EnumerateFiles(_rec, "list-*.csv").Order(StringComparer.Ordinal))
        {
            foreach (var listed in SegmentListReader.ReadAll(listFile))
                await AdmitListedAsync(listed, cancellationToken).ConfigureAwait(false);
            TryDelete(listFile);
        }
        await HandleLeftoversAsync(cancellationToken).ConfigureAwait(false);
    }

    private bool IsOurFfmpeg(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains(_rec, StringComparison.Ordinal) && !cmdline.Contains("\0-f\0null", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Segments no list names (cut off by a crash): uploaded when playable, else quarantined. Only
    /// called when no ffmpeg of ours is running.</summary>
    private async Task HandleLeftoversAsync(CancellationToken cancellationToken)
    {
        foreach (var path in Directory.EnumerateFiles(_rec, "*.mp4").Order(StringComparer.Ordinal).ToList())
        {
            var fileName = Path.GetFileName(path);
            // Order matters: a finished segment leaves the spool only after its file is gone from rec/.
            if (_handled.Contains(fileName) || _spool.Contains(_camera.Name, fileName) || !File.Exists(path)) continue;
            var check = await _probe.CheckSegmentAsync(path, cancellationToken).ConfigureAwait(false);
            if (check.Playable)
            {
                _logger.LogWarning("{Camera}: segment {File} was cut off ({Seconds:0.0} s, {Size:0.0} MB) but is playable; uploading it",
                    _camera.Name, fileName, check.DurationSeconds, new FileInfo(path).Length / 1048576.0);
                await _admit(_camera, path, cancellationToken).ConfigureAwait(false);
                _handled.Add(fileName);
            }
            else
            {
                Directory.CreateDirectory(_quarantine);
                File.Move(path, Path.Combine(_quarantine, fileName), overwrite: true);
                _logger.LogWarning("{Camera}: segment {File} was cut off and is not playable ({Reason}); moved to quarantine",
                    _camera.Name, fileName, check.Reason);
            }
        }
        _handled.RemoveWhere(name => !File.Exists(Path.Combine(_rec, name))); // gone from rec/: can never be a leftover
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

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
