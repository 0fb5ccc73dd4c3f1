using System.Diagnostics;
using System.Text;

namespace CamShare.Testing;

/// <summary>
/// `camshare run --config FILE` as a real process (the built camshare.dll, a <see cref="ServerProcess"/>): every
/// output line is kept with the time it arrived, tests wait for log lines, and <see cref="StopAsync"/> ends it the
/// way systemd does (SIGTERM) and returns its exit code.
/// </summary>
public sealed class CamShareRunProcess : IAsyncDisposable
{
    private readonly ServerProcess _server;
    private readonly string? _ownedMarker;
    private readonly long _started;
    private readonly List<(TimeSpan At, string Line)> _lines = [];
    private readonly Lock _lock = new();
    private int? _exitCode;

    private CamShareRunProcess(string configPath, IDictionary<string, string?>? environment, string? ownedMarker)
    {
        _ownedMarker = ownedMarker;
        _started = Stopwatch.GetTimestamp();
        _server = ServerProcess.Start("dotnet", [CamShareCli.Dll, "run", "--config", configPath], environment,
            workingDirectory: Path.GetDirectoryName(Path.GetFullPath(configPath)), readyLine: OnLine);
    }

    /// <summary>Starts `camshare run --config <paramref name="configPath"/>` with <paramref name="environment"/>
    /// added to (or, for null values, removed from) this process's environment.</summary>
    /// <param name="ownedMarker">A string (e.g. the test's temporary folder) in the command line of every process
    /// camshare starts (ffmpeg): any such process still running at dispose is killed, by PID.</param>
    public static CamShareRunProcess Start(string configPath, IDictionary<string, string?>? environment = null, string? ownedMarker = null)
    {
        if (!File.Exists(CamShareCli.Dll))
            throw new InvalidOperationException($"{CamShareCli.Dll} is missing: build src/CamShare.Cli first");
        return new CamShareRunProcess(configPath, environment, ownedMarker);
    }

    public int Pid => _server.Pid;
    public bool HasExited => _server.HasExited;

    /// <summary>Everything camshare printed so far (stdout and stderr).</summary>
    public string Output => _server.Output;

    /// <summary>Output lines with the time each arrived, measured from the start.</summary>
    public IReadOnlyList<(TimeSpan At, string Line)> Lines { get { lock (_lock) return [.. _lines]; } }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public IReadOnlyList<(TimeSpan At, string Line)> Matching(Func<string, bool> match) =>
        Lines.Where(l => match(l.Line)).ToList();

    private bool OnLine(string line)
    {
        lock (_lock) _lines.Add((Stopwatch.GetElapsedTime(_started), line));
        return false;
    }

    /// <summary>Waits until at least <paramref name="count"/> lines match; returns them. Fails with camshare's
    /// output when it times out or camshare exits first.</summary>
    public async Task<IReadOnlyList<(TimeSpan At, string Line)>> WaitForLinesAsync(Func<string, bool> match, int count,
        TimeSpan timeout, string? what = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var found = Matching(match);
            if (found.Count >= count) return found;
            if (_server.HasExited)
                throw new InvalidOperationException($"camshare exited while waiting for {what ?? "log lines"} ({found.Count}/{count}):\n{Output}");
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what ?? "log lines"} ({found.Count}/{count}):\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM (what systemd and `docker stop` send), then waits up to <paramref name="grace"/> for the
    /// exit; returns the exit code. Throws (after a SIGKILL) if camshare does not stop in time.</summary>
    public async Task<int> StopAsync(TimeSpan? grace = null)
    {
        if (_exitCode is { } known) return known;
        var limit = grace ?? TimeSpan.FromSeconds(40);
        var started = Stopwatch.GetTimestamp();
        await _server.StopAsync(limit); // SIGTERM, waits for the exit and the end of its output; SIGKILL after the grace
        if (Stopwatch.GetElapsedTime(started) >= limit)
            throw new TimeoutException($"camshare did not stop within {limit.TotalSeconds:0} s of SIGTERM (killed):\n{Output}");
        _exitCode = _server.ExitCode;
        return _exitCode.Value;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_server.HasExited) await StopAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // killed; the test reports its own failure
        }
        await _server.DisposeAsync();
        if (_ownedMarker is not null) KillOwned(_ownedMarker);
    }

    /// <summary>SIGKILLs processes whose command line contains <paramref name="marker"/> (ffmpeg left by a camshare
    /// that was killed), by PID.</summary>
    private static void KillOwned(string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmdline = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "cmdline")));
                if (cmdline.Contains(marker, StringComparison.Ordinal))
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException
                                           or System.ComponentModel.Win32Exception)
            {
                // gone meanwhile
            }
        }
    }
}
