using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace CamShare.Testing;

/// <summary>
/// A real server (or any helper program) started by a test: arguments passed as a list, output captured,
/// stopped by its own PID only. Disposing stops it (SIGTERM, then SIGKILL after a grace period).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<string, bool>? _readyLine;

    private ServerProcess(Process process, Func<string, bool>? readyLine)
    {
        _process = process;
        _readyLine = readyLine;
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once the process has exited.</summary>
    public int ExitCode => _process.ExitCode;
    public string Name { get; private init; } = "";

    /// <summary>Everything the process printed so far (stdout and stderr, interleaved by line).</summary>
    public string Output { get { lock (_lock) return _output.ToString(); } }

    /// <summary>Starts <paramref name="fileName"/>. When <paramref name="readyLine"/> is given,
    /// <see cref="WaitUntilReadyAsync"/> waits for the first output line it accepts.</summary>
    public static ServerProcess Start(string fileName, IEnumerable<string> arguments,
        IDictionary<string, string?>? environment = null, string? workingDirectory = null,
        Func<string, bool>? readyLine = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (key, value) in environment)
                if (value is null) info.Environment.Remove(key); else info.Environment[key] = value;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(process, readyLine) { Name = Path.GetFileName(fileName) };
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server._ready.TrySetException(
            new InvalidOperationException($"{server.Name} exited early:\n{server.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_lock) _output.AppendLine(line);
        if (_readyLine is not null && _readyLine(line)) _ready.TrySetResult(line);
    }

    /// <summary>Waits for the ready line; returns it.</summary>
    public Task<string> WaitUntilReadyAsync(TimeSpan timeout) => _ready.Task.WaitAsync(timeout);

    /// <summary>Waits until the server accepts connections on <paramref name="port"/>.</summary>
    public Task WaitForPortAsync(int port, TimeSpan timeout) =>
        FreePort.WaitForListenerAsync(port, timeout, () => !_process.HasExited);

    public void Signal(int signal)
    {
        if (!_process.HasExited) _ = Kill(_process.Id, signal);
    }

    /// <summary>Freezes the process (SIGSTOP) — a hung server with its sockets still open.</summary>
    public void Freeze() => Signal(19);

    /// <summary>Resumes a frozen process (SIGCONT).</summary>
    public void Thaw() => Signal(18);

    /// <summary>Sudden death (SIGKILL): a power cut for a camera, a crash for a server.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (_process.HasExited) return;
        Thaw();
        Signal(15);
        using var cts = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(5));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { await KillAsync(); }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
