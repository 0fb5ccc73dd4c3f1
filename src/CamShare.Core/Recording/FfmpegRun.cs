using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Recording;

/// <summary>
/// One running ffmpeg: started with an argument list in its own session and with only the environment it needs,
/// its stderr redacted and kept (the tail explains an exit; "Opening '…' for writing" lines give each segment's
/// wall-clock open time), its <c>-progress</c> output on stdout read as the heartbeat the stall watchdog uses.
/// </summary>
internal sealed partial class FfmpegRun : IDisposable
{
    private readonly Process _process;
    private readonly SecretRedactor _redactor;
    private readonly ILogger _logger;
    private readonly string _camera;
    private readonly TimeProvider _time;
    private readonly Action<string, DateTimeOffset> _opened;
    private readonly Task _pumps;
    private long _lastProgress;
    private long _lastOutTime = -1;

    private FfmpegRun(Process process, SecretRedactor redactor, ILogger logger, string camera, TimeProvider time,
        Action<string, DateTimeOffset> opened)
    {
        _process = process;
        _redactor = redactor;
        _logger = logger;
        _camera = camera;
        _time = time;
        _opened = opened;
        _lastProgress = time.GetTimestamp();
        _pumps = Task.WhenAll(PumpStderrAsync(), PumpProgressAsync());
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public StderrTail Tail { get; } = new();

    /// <summary>How long since ffmpeg last reported that its output advanced (or since it started).</summary>
    public TimeSpan SinceProgress => _time.GetElapsedTime(Interlocked.Read(ref _lastProgress));

    /// <param name="opened">Called with the path and time of every segment file ffmpeg opens.</param>
    public static FfmpegRun Start(string ffmpeg, IReadOnlyList<string> arguments, string workingDirectory, string? timeZone,
        bool ownSession, SecretRedactor redactor, ILogger logger, string camera, TimeProvider time, Action<string, DateTimeOffset> opened)
    {
        var useSetsid = ownSession && File.Exists("/usr/bin/setsid");
        var info = new ProcessStartInfo(useSetsid ? "/usr/bin/setsid" : ffmpeg)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = workingDirectory,
        };
        // setsid execs ffmpeg in place (our child is no process-group leader), so the PID is ffmpeg's own.
        if (useSetsid) info.ArgumentList.Add(ffmpeg);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        ChildEnvironment.Restrict(info);
        if (!string.IsNullOrEmpty(timeZone)) info.Environment["TZ"] = timeZone;
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start ffmpeg");
        return new FfmpegRun(process, redactor, logger, camera, time, opened);
    }

    /// <summary>Exactly one SIGINT, then SIGKILL if ffmpeg is not gone within <paramref name="timeout"/>.</summary>
    public async Task StopGracefullyAsync(TimeSpan timeout)
    {
        // Exactly one signal: a second one during the trailer write would leave a broken file.
        ProcessSignals.Send(_process.Id, ProcessSignals.SigInt);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("{Camera}: ffmpeg did not stop within {Seconds:0} s of SIGINT; killing it", _camera, timeout.TotalSeconds);
            Kill();
        }
    }

    public void Kill() => ProcessSignals.Send(_process.Id, ProcessSignals.SigKill);

    public async Task WaitForExitAsync()
    {
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await _pumps.ConfigureAwait(false);
    }

    /// <summary>Why it exited, for the restart line: a signal by name, else the most telling line it printed.</summary>
    public string ExitReason()
    {
        var code = _process.ExitCode;
        // .NET reports a child killed by signal N as 128 + N.
        if (code > 128 && code < 128 + 32 && code - 128 != ProcessSignals.SigInt)
            return $"killed by signal {code - 128}{(code - 128 == ProcessSignals.SigKill ? " (SIGKILL)" : "")}";
        return Tail.Reason(code);
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
            {
                var clean = _redactor.Redact(line);
                var opening = Opening().Match(clean);
                if (opening.Success && opening.Groups[1].Value.EndsWith(".mp4", StringComparison.Ordinal))
                    _opened(opening.Groups[1].Value, _time.GetUtcNow());
                else
                    Tail.Add(clean); // the open lines explain no exit
                _logger.LogDebug("{Camera}: ffmpeg: {Line}", _camera, clean);
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    // -progress pipe:1 prints key=value lines; out_time_us advancing means data is being written.
    private async Task PumpProgressAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
            {
                if (!line.StartsWith("out_time_us=", StringComparison.Ordinal) ||
                    !long.TryParse(line.AsSpan(12), NumberStyles.Integer, CultureInfo.InvariantCulture, out var outTime)) continue;
                if (outTime > Interlocked.Read(ref _lastOutTime))
                {
                    Interlocked.Exchange(ref _lastOutTime, outTime);
                    Interlocked.Exchange(ref _lastProgress, _time.GetTimestamp());
                }
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    public void Dispose() => _process.Dispose();

    [GeneratedRegex(@"Opening '([^']+)' for writing")]
    private static partial Regex Opening();
}
