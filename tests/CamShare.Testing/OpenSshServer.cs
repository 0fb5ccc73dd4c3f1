using System.Diagnostics;
using System.Text;

namespace CamShare.Testing;

/// <summary>
/// A second OpenSSH sshd (SFTP only) started by a test on a free 127.0.0.1 port, with its own configuration, its own
/// ed25519 host key and its own data folder in a fresh /tmp folder. One login, <see cref="User"/>, accepts both
/// <see cref="Password"/> and the ed25519 key <see cref="ClientKeyPath"/> made by ssh-keygen. Stopping it kills the
/// listener and every session process it forked (by PID, only its own tree): a server that went down, not one
/// that drains. It can be started again on the same port, key and data.
/// </summary>
/// <remarks>Needs root (the login is a system user: sshd checks passwords against /etc/shadow with UsePAM no) and
/// Debian's openssh-server and openssh-client. Every instance shares the one test user and its password, so
/// fixtures may run in parallel.</remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OpenSshServer : IAsyncDisposable
{
    /// <summary>The system user the server lets in (created when missing; its shell is no login shell).</summary>
    public const string User = "camshare-sftp";

    /// <summary>The user's password (a test secret: it must never appear in an error or a log).</summary>
    public const string Password = "sftp s3cret:pässw0rd";

    public const string Sshd = "/usr/sbin/sshd";

    private readonly StringBuilder _log = new();
    private readonly Lock _lock = new();
    private Process? _process;

    private OpenSshServer(string baseFolder, int port)
    {
        Base = baseFolder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The fixture's folder (config, keys, log).</summary>
    public string Base { get; }

    /// <summary>A folder owned by <see cref="User"/> where providers store their objects (an absolute path).</summary>
    public string Data => Path.Combine(Base, "data");

    public string HostKeyPath => Path.Combine(Base, "ssh_host_ed25519_key");

    /// <summary>The client's private key (OpenSSH format, no passphrase), authorised for <see cref="User"/>.</summary>
    public string ClientKeyPath => Path.Combine(Base, "client_ed25519");

    /// <summary>A valid key that the server does not authorise.</summary>
    public string UnauthorizedKeyPath => Path.Combine(Base, "unauthorized_ed25519");

    /// <summary>The host key's fingerprint exactly as <c>ssh-keygen -lf</c> prints it ("SHA256:...").</summary>
    public string HostKeyFingerprint { get; private set; } = "";

    public bool IsRunning => _process is { HasExited: false };

    public int? Pid => IsRunning ? _process!.Id : null;

    public string Log { get { lock (_lock) return _log.ToString(); } }

    /// <summary>Prepares keys, the user and the configuration, and starts the server.</summary>
    public static async Task<OpenSshServer> StartAsync(params string[] extraConfigLines)
    {
        if (!File.Exists(Sshd)) throw new InvalidOperationException($"{Sshd} is missing: run `bash .ci/install` (openssh-server).");
        if (Environment.UserName != "root") throw new InvalidOperationException("the sshd fixture needs root (a system user with a password)");
        var baseFolder = Directory.CreateTempSubdirectory("camshare-sshd-").FullName;
        File.SetUnixFileMode(baseFolder, (UnixFileMode)0b111_101_101);
        var server = new OpenSshServer(baseFolder, FreePort.Next());
        await server.PrepareAsync(extraConfigLines);
        await server.StartAgainAsync();
        return server;
    }

    private async Task PrepareAsync(string[] extraConfigLines)
    {
        Directory.CreateDirectory("/run/sshd"); // privilege separation folder, normally made by the init script
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", HostKeyPath);
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "camshare-test", "-f", ClientKeyPath);
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "not-authorized", "-f", UnauthorizedKeyPath);
        // "256 SHA256:base64 comment (ED25519)"
        HostKeyFingerprint = (await RunAsync("ssh-keygen", "-lf", HostKeyPath + ".pub")).Split(' ')[1];
        await EnsureUserAsync();
        Directory.CreateDirectory(Data);
        await RunAsync("chown", $"{User}:", Data);
        var authorized = Path.Combine(Base, "authorized_keys");
        File.Copy(ClientKeyPath + ".pub", authorized);
        File.SetUnixFileMode(authorized, (UnixFileMode)0b110_100_100);
        var config = new StringBuilder($"""
            ListenAddress 127.0.0.1
            Port {Port}
            HostKey {HostKeyPath}
            PidFile none
            UsePAM no
            PermitRootLogin no
            PasswordAuthentication yes
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            AuthorizedKeysFile {authorized}
            StrictModes no
            AllowUsers {User}
            Subsystem sftp internal-sftp
            ForceCommand internal-sftp
            AllowTcpForwarding no
            X11Forwarding no
            LogLevel INFO
            MaxStartups 100:30:200
            MaxSessions 100

            """);
        foreach (var line in extraConfigLines) config.AppendLine(line);
        File.WriteAllText(ConfigPath, config.ToString());
        await RunAsync(Sshd, "-t", "-f", ConfigPath);
    }

    private string ConfigPath => Path.Combine(Base, "sshd_config");

    private static readonly SemaphoreSlim UserSetup = new(1, 1);

    private static async Task EnsureUserAsync()
    {
        await UserSetup.WaitAsync();
        try
        {
            if (!File.ReadLines("/etc/passwd").Any(l => l.StartsWith(User + ":", StringComparison.Ordinal)))
                await RunAsync("useradd", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", User);
            await RunWithInputAsync("chpasswd", $"{User}:{Password}\n");
        }
        finally
        {
            UserSetup.Release();
        }
    }

    /// <summary>Starts the server (again) on the same port, key and data.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning) return;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var process = StartProcess();
            _process = process;
            try
            {
                await FreePort.WaitForListenerAsync(Port, TimeSpan.FromSeconds(20), () => !process.HasExited);
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                // The port is still held by the previous instance's closing sockets: try again shortly.
                await process.WaitForExitAsync();
                process.Dispose();
                _process = null;
                await Task.Delay(200);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"sshd did not start: {ex.Message}\n{Log}", ex);
            }
        }
    }

    private Process StartProcess()
    {
        var info = new ProcessStartInfo(Sshd)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "-D", "-e", "-f", ConfigPath }) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _log.AppendLine(e.Data); };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>Lets the public key in <paramref name="publicKeyPath"/> log in as <see cref="User"/> too.</summary>
    public void AuthorizeKey(string publicKeyPath) =>
        File.AppendAllText(Path.Combine(Base, "authorized_keys"), File.ReadAllText(publicKeyPath));

    /// <summary>SIGSTOP to the listener and every session: a hung server whose TCP connections stay open.</summary>
    public void Freeze() => SignalTree(19);

    /// <summary>SIGCONT: the frozen server goes on.</summary>
    public void Thaw() => SignalTree(18);

    private void SignalTree(int signal)
    {
        if (Pid is not { } root) return;
        var pids = new List<int> { root };
        for (var i = 0; i < pids.Count; i++) pids.AddRange(ChildrenOf(pids[i]));
        foreach (var pid in pids) _ = Kill(pid, signal);
    }

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            // pid (comm) state ppid ...
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && int.TryParse(fields[1], out var ppid) && ppid == parent) yield return pid;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>SIGKILL to the listener and every session it forked: the server is down, connections break.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null) return;
        Thaw();
        _process = null;
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(Base, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Runs a helper program to its end; returns its standard output; throws with its output if it fails.</summary>
    public static Task<string> RunAsync(string file, params string[] arguments) => RunWithInputAsync(file, null, arguments);

    private static async Task<string> RunWithInputAsync(string file, string? stdin, params string[] arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{file} is not installed: run `bash .ci/install` (openssh-client, openssh-server)", ex);
        }
        using (process)
        {
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin);
                process.StandardInput.Close();
            }
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stdout}{await stderr}");
            return await stdout;
        }
    }
}
