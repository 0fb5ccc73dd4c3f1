using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace CamShare.Storage.Rclone;

/// <summary>
/// One running rclone: its stdin and stdout for the caller, its stderr (JSON log) read in the background for stats
/// and error text. Cancellation or the run's timeout kills the whole process tree; disposal kills a run still going
/// and waits for it, so no rclone outlives the operation that started it.
/// </summary>
internal sealed class RcloneProcess : IAsyncDisposable
{
    private const int MaxErrorLines = 20;
    private readonly Process _process;
    private readonly string _command;
    private readonly TimeSpan? _timeout;
    private readonly SecretRedactor _redactor;
    private readonly Action<long, long>? _onStats;
    private readonly ILogger _logger;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _lifetime;
    private readonly CancellationTokenRegistration _killOnCancel;
    private readonly Task _stderrReader;
    private readonly LinkedList<string> _errorLines = new();
    private readonly Lock _lock = new();
    private int _killed;
    private int _disposed;

    public RcloneProcess(Process process, string command, TimeSpan? timeout, SecretRedactor redactor,
        Action<long, long>? onStats, ILogger logger, CancellationToken callerToken)
    {
        _process = process;
        _command = command;
        _timeout = timeout;
        _redactor = redactor;
        _onStats = onStats;
        _logger = logger;
        _callerToken = callerToken;
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        if (timeout is { } t) _lifetime.CancelAfter(t);
        _stderrReader = Task.Run(ReadErrorsAsync);
        _killOnCancel = _lifetime.Token.Register(static state => ((RcloneProcess)state!).Kill(), this);
    }

    public int Pid => _process.Id;

    /// <summary>Cancelled when the caller cancels or the run times out (rclone is being killed then).</summary>
    public CancellationToken Token => _lifetime.Token;

    public Stream Input => _process.StandardInput.BaseStream;

    public Stream Output => _process.StandardOutput.BaseStream;

    public bool HasExited => _process.HasExited;

    /// <summary>rclone's error and notice messages, secrets removed, at most the last few lines.</summary>
    public string ErrorText
    {
        get
        {
            lock (_lock) return string.Join(" | ", _errorLines);
        }
    }

    public void CloseInput()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { } catch (ObjectDisposedException) { }
    }

    public async Task<string> ReadAllOutputAsync()
    {
        try
        {
            return await _process.StandardOutput.ReadToEndAsync(Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return "";
        }
    }

    /// <summary>
    /// Waits until rclone has exited and its log has been read. Throws <see cref="OperationCanceledException"/>
    /// when the caller cancelled and <see cref="StorageTransientException"/> when the run timed out;
    /// otherwise returns the exit code.
    /// </summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await DrainErrorsAsync().ConfigureAwait(false);
        ThrowIfStopped();
        return _process.ExitCode;
    }

    /// <summary>Throws if the run was stopped by cancellation or by its timeout.</summary>
    public void ThrowIfStopped()
    {
        _callerToken.ThrowIfCancellationRequested();
        if (_lifetime.IsCancellationRequested)
            throw new StorageTransientException(
                $"rclone {_command} did not finish within {_timeout?.TotalSeconds:0} s (operationTimeoutSeconds) and was stopped.");
    }

    /// <summary>Kills the process tree (idempotent).</summary>
    public void Kill()
    {
        if (Interlocked.Exchange(ref _killed, 1) == 1) return;
        try
        {
            if (!_process.HasExited)
            {
                _logger.LogDebug("killing rclone {Command} (pid {Pid})", _command, _process.Id);
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
        CloseInput();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (!_process.HasExited) Kill();
        await _killOnCancel.DisposeAsync().ConfigureAwait(false);
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        try { await DrainErrorsAsync().ConfigureAwait(false); } catch (Exception ex) { _logger.LogDebug(ex, "rclone log reader"); }
        _process.Dispose();
        _lifetime.Dispose();
    }

    // rclone has exited; a child it left behind could hold stderr open forever, so its tail gets a bounded wait.
    private async Task DrainErrorsAsync()
    {
        try
        {
            await _stderrReader.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("rclone {Command} (pid {Pid}) exited but its error output stayed open", _command, _process.Id);
        }
    }

    private async Task ReadErrorsAsync()
    {
        var reader = _process.StandardError;
        string? line;
        while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) is not null)
        {
            try
            {
                OnErrorLine(line);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _logger.LogDebug("unreadable rclone log line ({Error})", ex.GetType().Name);
            }
        }
    }

    private void OnErrorLine(string line)
    {
        if (line.Length == 0) return;
        string level, message;
        if (line.StartsWith('{'))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.TryGetProperty("stats", out var stats) && stats.ValueKind == JsonValueKind.Object)
            {
                var bytes = stats.TryGetProperty("bytes", out var b) && b.TryGetInt64(out var bv) ? bv : 0;
                var total = stats.TryGetProperty("totalBytes", out var t) && t.TryGetInt64(out var tv) ? tv : 0;
                _onStats?.Invoke(bytes, total);
                return;
            }
            level = root.TryGetProperty("level", out var l) ? l.GetString() ?? "" : "";
            message = root.TryGetProperty("msg", out var m) ? m.GetString() ?? "" : "";
            if (root.TryGetProperty("object", out var o) && o.GetString() is { Length: > 0 } obj)
                message = obj + ": " + message;
        }
        else
        {
            // Plain lines ("2026/01/01 10:00:00 Failed to copy: ...") come even in JSON mode for the final error.
            level = "error";
            message = line.Length > 20 && line[4] == '/' && line[19] == ' ' ? line[20..] : line;
        }
        if (level is "info" or "debug") return;
        message = _redactor.Redact(message.Trim());
        _logger.LogDebug("rclone {Command}: {Level} {Message}", _command, level, message);
        lock (_lock)
        {
            if (_errorLines.Contains(message)) return;
            _errorLines.AddLast(message);
            while (_errorLines.Count > MaxErrorLines) _errorLines.RemoveFirst();
        }
    }
}
