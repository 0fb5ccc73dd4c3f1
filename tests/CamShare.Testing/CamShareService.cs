using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace CamShare.Testing;

/// <summary>
/// The real service, <c>dotnet camshare.dll run --config FILE</c>, as a process started by a test: every output line
/// (stdout and stderr) is kept with the moment it arrived, so a test can wait for log lines, measure the time between
/// two of them, and stop the service the way systemd does (one SIGTERM) and read its exit code.
/// Environment variables that could change the run (<c>CAMSHARE__*</c> overrides, <c>CAMSHARE_PLUGINS</c>, systemd's
/// <c>JOURNAL_STREAM</c>/<c>INVOCATION_ID</c>) are removed unless the test sets them.
/// </summary>
public sealed partial class CamShareService : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<LogLine> _lines = [];
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One output line, <paramref name="At"/> measured from the start of the process.</summary>
    public sealed record LogLine(TimeSpan At, string Text)
    {
        public override string ToString() => $"{At.TotalSeconds,7:0.000} {Text}";
    }

    private readonly string? _ownedMarker;

    private CamShareService(Process process, string? ownedMarker)
    {
        _process = process;
        _ownedMarker = ownedMarker;
    }

    public int Pid => _process.Id;
    public bool HasExited => _exited.Task.IsCompleted;
    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>Time since the process was started (same clock as <see cref="LogLine.At"/>).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public IReadOnlyList<LogLine> Lines { get { lock (_lock) return [.. _lines]; } }

    /// <summary>Everything printed so far, one line each, ANSI colours removed.</summary>
    public string Output
    {
        get
        {
            var text = new StringBuilder();
            foreach (var line in Lines) text.AppendLine(line.Text);
            return text.ToString();
        }
    }

    /// <summary>Lines containing <paramref name="text"/> (ordinal).</summary>
    public IReadOnlyList<LogLine> Matching(string text) => Matching(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>Lines <paramref name="match"/> accepts.</summary>
    public IReadOnlyList<LogLine> Matching(Func<string, bool> match) => [.. Lines.Where(l => match(l.Text))];

    /// <summary>Starts <c>camshare run --config <paramref name="configPath"/></c>.</summary>
    /// <param name="ownedMarker">A string (the test's temporary folder) in the command line of every process this
    /// camshare starts (ffmpeg, rclone): any such process still running at dispose is killed, by PID.</param>
    public static CamShareService Start(string configPath, IDictionary<string, string?>? environment = null,
        string? workingDirectory = null, string? ownedMarker = null)
    {
        if (!File.Exists(CamShareCli.Dll))
            throw new InvalidOperationException($"{CamShareCli.Dll} is missing: build src/CamShare.Cli first");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(Path.GetFullPath(configPath))!,
        };
        info.ArgumentList.Add(CamShareCli.Dll);
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(configPath);
        foreach (var key in info.Environment.Keys.ToList())
            if (key.StartsWith("CAMSHARE__", StringComparison.OrdinalIgnoreCase) || key is "CAMSHARE_PLUGINS" or "JOURNAL_STREAM" or "INVOCATION_ID" or "NOTIFY_SOCKET")
                info.Environment.Remove(key);
        if (environment is not null)
            foreach (var (key, value) in environment)
                if (value is null) info.Environment.Remove(key); else info.Environment[key] = value;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new CamShareService(process, ownedMarker);
        process.OutputDataReceived += (_, e) => service.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => service.OnLine(e.Data);
        process.Exited += (_, _) => service._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        var entry = new LogLine(_clock.Elapsed, Ansi().Replace(line, ""));
        lock (_lock) _lines.Add(entry);
    }

    /// <summary>Waits until at least <paramref name="count"/> lines contain <paramref name="text"/>; returns them.
    /// Fails at once, with the output, if the service exits first.</summary>
    public Task<IReadOnlyList<LogLine>> WaitForLinesAsync(string text, int count, TimeSpan timeout) =>
        WaitForLinesAsync(l => l.Contains(text, StringComparison.Ordinal), count, timeout, $"{count} line(s) containing \"{text}\"");

    public async Task<IReadOnlyList<LogLine>> WaitForLinesAsync(Func<string, bool> match, int count, TimeSpan timeout,
        string? what = null)
    {
        var deadline = _clock.Elapsed + timeout;
        while (true)
        {
            var found = Lines.Where(l => match(l.Text)).ToList();
            if (found.Count >= count) return found;
            if (HasExited)
                throw new InvalidOperationException($"camshare exited (code {_process.ExitCode}) before {what ?? "the expected lines"} appeared:\n{Output}");
            if (_clock.Elapsed > deadline)
                throw new TimeoutException($"no {what ?? "expected lines"} after {timeout.TotalSeconds:0} s ({found.Count} so far):\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with the output if camshare exits or time runs out.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = _clock.Elapsed + timeout;
        while (!condition())
        {
            if (HasExited) throw new InvalidOperationException($"camshare exited (code {_process.ExitCode}) while waiting for {what}:\n{Output}");
            if (_clock.Elapsed > deadline) throw new TimeoutException($"{what}: not after {timeout.TotalSeconds:0} s:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>One SIGTERM (what systemd sends), then waits for the exit; SIGKILL and an exception if it takes
    /// longer than <paramref name="grace"/>. Returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? grace = null)
    {
        if (!HasExited) _ = Kill(_process.Id, 15);
        var limit = grace ?? TimeSpan.FromSeconds(60);
        if (await Task.WhenAny(_exited.Task, Task.Delay(limit)) != _exited.Task)
        {
            await KillAsync();
            throw new TimeoutException($"camshare did not exit within {limit.TotalSeconds:0} s of SIGTERM:\n{Output}");
        }
        await _process.WaitForExitAsync(); // output fully read
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: a crash of the service (its ffmpeg, in its own session, is not touched).</summary>
    public async Task KillAsync()
    {
        if (!HasExited) _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            try { await StopAsync(TimeSpan.FromSeconds(30)); }
            catch (TimeoutException) { }
        }
        _process.Dispose();
        if (_ownedMarker is not null)
            foreach (var pid in ProcessesWithCommandLineContaining(_ownedMarker))
                _ = Kill(pid, 9);
    }

    /// <summary>PIDs of processes (other than this one) whose command line contains <paramref name="marker"/>,
    /// e.g. an ffmpeg still writing into a test's spool.</summary>
    public static List<int> ProcessesWithCommandLineContaining(string marker)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                if (Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "cmdline"))).Contains(marker, StringComparison.Ordinal))
                    pids.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile
            }
        }
        return pids;
    }

    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex Ansi();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
