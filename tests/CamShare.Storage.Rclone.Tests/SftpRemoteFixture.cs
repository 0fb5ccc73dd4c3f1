using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using CamShare.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamShare.Storage.Rclone.Tests;

/// <summary>
/// A second OpenSSH sshd on a free loopback port with its own host key and a key-only login for the current user
/// (root here), and rclone's sftp backend pointed at it through RCLONE_CONFIG_CSSFTP_* variables only.
/// </summary>
public class SftpRemoteFixture : StorageProviderFixture
{
    public const string RemoteName = "cssftp";
    private readonly string _base = Directory.CreateTempSubdirectory("camshare-rclone-sftp-").FullName;
    private SshdServer? _server;

    public string DataRoot => Path.Combine(_base, "data");
    public string ConfigPath => Path.Combine(_base, "rclone.conf");
    public string RclonePath { get; private set; } = "";
    public int Port => _server?.Port ?? 0;
    private string ClientKey => Path.Combine(_base, "client_ed25519");
    private string WrongKey => Path.Combine(_base, "wrong_ed25519");
    private string KnownHosts => Path.Combine(_base, "known_hosts");

    public override async ValueTask InitializeAsync()
    {
        RclonePath = Tools.Rclone;
        var sshd = Tools.Sshd;
        var keygen = Tools.SshKeygen;
        var user = Environment.UserName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_base, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(DataRoot);
        File.WriteAllText(ConfigPath, "");
        if (Environment.UserName == "root") Directory.CreateDirectory("/run/sshd"); // privilege separation dir

        var hostKey = Path.Combine(_base, "ssh_host_ed25519_key");
        await Tools.RunAsync(keygen, "-q", "-t", "ed25519", "-N", "", "-f", hostKey);
        await Tools.RunAsync(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "camshare-test", "-f", ClientKey);
        await Tools.RunAsync(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "not-authorized", "-f", WrongKey);
        var authorized = Path.Combine(_base, "authorized_keys");
        File.Copy(ClientKey + ".pub", authorized);

        var port = FreePort.Next();
        // known_hosts straight from the host key: no ssh-keyscan round trip, and only the key we generated.
        var hostPub = File.ReadAllText(hostKey + ".pub").Split(' ');
        File.WriteAllText(KnownHosts, $"[127.0.0.1]:{port} {hostPub[0]} {hostPub[1]}\n");

        var config = Path.Combine(_base, "sshd_config");
        File.WriteAllText(config, $"""
            ListenAddress 127.0.0.1
            Port {port}
            HostKey {hostKey}
            PidFile none
            UsePAM no
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            AuthorizedKeysFile {authorized}
            StrictModes no
            AllowUsers {user}
            Subsystem sftp internal-sftp
            ForceCommand internal-sftp
            AllowTcpForwarding no
            X11Forwarding no
            LogLevel INFO
            MaxStartups 100:30:200
            MaxSessions 100

            """);
        await Tools.RunAsync(sshd, "-t", "-f", config);
        _server = new SshdServer(config, port);
        await _server.StartAsync();
    }

    /// <summary>Stops the server and every session it has (the server is "down").</summary>
    public Task StopServerAsync() => _server!.StopAsync();

    /// <summary>Starts the same server again on the same port.</summary>
    public Task StartServerAsync() => _server!.StartAsync();

    public RcloneStorageOptions Options(Action<RcloneStorageOptions>? change = null, int? port = null, string? keyFile = null)
    {
        var prefix = $"RCLONE_CONFIG_{RemoteName.ToUpperInvariant()}_";
        var options = new RcloneStorageOptions
        {
            RclonePath = RclonePath,
            ConfigPath = ConfigPath,
            Remote = $"{RemoteName}:{DataRoot}",
            Environment = new()
            {
                [prefix + "TYPE"] = "sftp",
                [prefix + "HOST"] = "127.0.0.1",
                [prefix + "PORT"] = (port ?? Port).ToString(),
                [prefix + "USER"] = Environment.UserName,
                [prefix + "KEY_FILE"] = keyFile ?? ClientKey,
                [prefix + "KNOWN_HOSTS_FILE"] = KnownHosts,
            },
            OperationTimeoutSeconds = 300,
        };
        change?.Invoke(options);
        return options;
    }

    public RcloneStorageProvider Create(RcloneStorageOptions options) =>
        new(options, new StorageIdentity("rclone-sftp-test"), NullLogger<RcloneStorageProvider>.Instance);

    public override IStorageProvider CreateProvider() => Create(Options());

    // rclone's sftp backend retries a failed connection 10 times with backoff (~11 s); these variants allow one
    // retry so the error tests stay quick. The flag also proves extraFlags reach rclone.
    private static void FewRetries(RcloneStorageOptions o) => o.ExtraFlags = ["--low-level-retries", "1"];

    public override IStorageProvider CreateProviderWithBadCredentials() => Create(Options(FewRetries, keyFile: WrongKey));

    public override IStorageProvider CreateProviderForUnreachableServer() => Create(Options(FewRetries, port: FreePort.Next()));

    public string ServerLog => _server?.Log ?? "";

    public override async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        try { Directory.Delete(_base, recursive: true); } catch (IOException) { }
    }
}
