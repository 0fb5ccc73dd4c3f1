using CamShare.Abstractions;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace CamShare.Storage.Rclone;

/// <summary>
/// Starts rclone runs: arguments as a list (never a joined string, no shell), the configured environment, one
/// timeout per run, and on cancellation or timeout the whole process tree killed and waited for.
/// </summary>
internal sealed class RcloneRunner
{
    private readonly string _binary;
    private readonly string? _configPath;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly IReadOnlyList<string> _extraFlags;
    private readonly string? _bandwidthLimit;
    private readonly TimeSpan? _timeout;
    private readonly ILogger _logger;

    public RcloneRunner(string binary, string? configPath, IReadOnlyDictionary<string, string> environment,
        IReadOnlyList<string> extraFlags, string? bandwidthLimit, TimeSpan? timeout, SecretRedactor redactor,
        ILogger logger)
    {
        _binary = binary;
        _configPath = configPath;
        _environment = environment;
        _extraFlags = extraFlags;
        _bandwidthLimit = bandwidthLimit;
        _timeout = timeout;
        Redactor = redactor;
        _logger = logger;
    }

    public SecretRedactor Redactor { get; }

    /// <summary>Called with the PID of every rclone process started (tests use it to prove none is left).</summary>
    public Action<int>? ProcessStarted { get; set; }

    /// <summary>Starts <c>rclone COMMAND ARGS...</c>. The caller disposes the result (which kills a live run).</summary>
    /// <param name="transfer">Adds the flags for progress stats and the bandwidth limit.</param>
    /// <param name="onStats">Called with (bytes, totalBytes) from each stats line.</param>
    public RcloneProcess Start(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken,
        bool transfer = false, Action<long, long>? onStats = null)
    {
        var info = new ProcessStartInfo(_binary)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(command);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // Our own flags first; the user's extra flags last (pflag: the last value of a flag wins).
        info.ArgumentList.Add("--use-json-log");
        info.ArgumentList.Add("--ask-password=false");
        info.ArgumentList.Add("--retries=1"); // the host owns retries and backoff
        if (_configPath is not null) { info.ArgumentList.Add("--config"); info.ArgumentList.Add(_configPath); }
        if (transfer)
        {
            info.ArgumentList.Add("--stats=500ms");
            info.ArgumentList.Add("--stats-one-line");
            info.ArgumentList.Add("--stats-log-level=NOTICE");
            if (_bandwidthLimit is not null) { info.ArgumentList.Add("--bwlimit"); info.ArgumentList.Add(_bandwidthLimit); }
        }
        foreach (var flag in _extraFlags) info.ArgumentList.Add(flag);

        // rclone reads RCLONE_* (remotes defined in the environment) and the proxy/TLS variables; never camshare's
        // own secrets, which live in other variables named by the config.
        ChildEnvironment.Restrict(info, "RCLONE_", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "SSL_CERT_", "XDG_");
        foreach (var variable in RcloneFlags.DeniedEnvironmentVariables) info.Environment.Remove(variable);
        foreach (var (key, value) in _environment)
            if (string.IsNullOrEmpty(value)) info.Environment.Remove(key); else info.Environment[key] = value;

        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new CamShare.Abstractions.StorageConfigurationException(
                $"cannot run rclone at '{_binary}': {ex.Message}. Install it (`apt install rclone`) or set rclonePath.", ex);
        }
        _logger.LogDebug("rclone {Command} started (pid {Pid})", command, process.Id);
        ProcessStarted?.Invoke(process.Id);
        return new RcloneProcess(process, command, _timeout, Redactor, onStats, _logger, cancellationToken);
    }

    /// <summary>Runs a command to its end; returns its exit code, stdout and (redacted) error text.</summary>
    public async Task<RcloneResult> RunAsync(string command, IReadOnlyList<string> arguments,
        CancellationToken cancellationToken, bool transfer = false, Action<long, long>? onStats = null)
    {
        await using var run = Start(command, arguments, cancellationToken, transfer, onStats);
        run.CloseInput();
        var stdout = await run.ReadAllOutputAsync().ConfigureAwait(false);
        var code = await run.WaitForExitAsync().ConfigureAwait(false);
        return new RcloneResult(command, code, stdout, run.ErrorText);
    }
}

/// <summary>The outcome of one finished rclone run.</summary>
internal sealed record RcloneResult(string Command, int ExitCode, string Output, string ErrorText)
{
    public bool Succeeded => ExitCode == 0;
}
