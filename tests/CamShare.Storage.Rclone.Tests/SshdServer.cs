using System.Diagnostics;
using System.Text;
using CamShare.Testing;

namespace CamShare.Storage.Rclone.Tests;

/// <summary>
/// A second OpenSSH sshd (SFTP only) on a loopback port, started by the test. Stopping it kills the listener and
/// every session process it forked (by PID, only its own tree): a server that went down, not one that drains.
/// </summary>
internal sealed class SshdServer : IAsyncDisposable
{
    private readonly string _config;
    private Process? _process;
    private readonly StringBuilder _log = new();

    public SshdServer(string config, int port)
    {
        _config = config;
        Port = port;
    }

    public int Port { get; }

    public string Log { get { lock (_log) return _log.ToString(); } }

    public async Task StartAsync()
    {
        if (_process is { HasExited: false }) return;
        var info = new ProcessStartInfo(Tools.Sshd)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "-D", "-e", "-f", _config }) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        try
        {
            await FreePort.WaitForListenerAsync(Port, TimeSpan.FromSeconds(20), () => !process.HasExited);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"sshd did not start: {ex.Message}\n{Log}", ex);
        }
    }

    public async Task StopAsync()
    {
        var process = _process;
        if (process is null) return;
        _process = null;
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
