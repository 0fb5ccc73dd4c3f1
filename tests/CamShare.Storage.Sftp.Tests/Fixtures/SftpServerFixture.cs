using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using CamShare.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamShare.Storage.Sftp.Tests.Fixtures;

/// <summary>A real OpenSSH sshd of the fixture's own (see <see cref="OpenSshServer"/>) and providers against it.</summary>
public abstract class SftpServerFixture : StorageProviderFixture
{
    public const string WrongPassword = "wrong pässword:2";

    private OpenSshServer? _server;

    public OpenSshServer Server => _server ?? throw new InvalidOperationException("the server is not started");

    /// <summary>The root folder the default provider uses, below the server's data folder (absolute).</summary>
    public virtual string RootFolder => Path.Combine(Server.Data, "camshare root");

    public override async ValueTask InitializeAsync() => _server = await OpenSshServer.StartAsync();

    public override async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>Settings of the default provider: password or key, depending on the fixture.</summary>
    public abstract SftpStorageOptions Options();

    protected SftpStorageOptions PasswordOptions() => new()
    {
        Host = "127.0.0.1",
        Port = Server.Port,
        Username = OpenSshServer.User,
        Password = OpenSshServer.Password,
        HostKeyFingerprint = Server.HostKeyFingerprint,
        RootFolder = RootFolder,
        ConnectTimeoutSeconds = 10,
        OperationTimeoutSeconds = 30,
        MaxConnections = 3,
    };

    protected SftpStorageOptions KeyOptions()
    {
        var options = PasswordOptions();
        options.Password = null;
        options.PrivateKey = File.ReadAllText(Server.ClientKeyPath);
        return options;
    }

    /// <summary>Whether the default provider replaces objects with posix-rename@openssh.com.</summary>
    public virtual bool UsePosixRename => true;

    public SftpStorageProvider Create(SftpStorageOptions options, ILogger? logger = null) =>
        new(options, new StorageIdentity("sftp-test"), logger ?? NullLogger.Instance, UsePosixRename);

    public override IStorageProvider CreateProvider() => Create(Options());

    public override IReadOnlyList<string> Secrets =>
        [OpenSshServer.Password, WrongPassword, File.ReadAllText(Server.ClientKeyPath).Split('\n')[1]];

    public override IStorageProvider? CreateProviderWithBadCredentials()
    {
        var options = PasswordOptions();
        options.Password = WrongPassword;
        return Create(options);
    }

    public override IStorageProvider? CreateProviderForUnreachableServer()
    {
        var options = Options();
        options.Port = FreePort.Next();
        options.ConnectTimeoutSeconds = 5;
        return Create(options);
    }

    /// <summary>Where an object of the default provider lies on the server's disk.</summary>
    public string OnDisk(string key) => Path.Combine(RootFolder, key);
}

/// <summary>Password login; objects replaced atomically with posix-rename@openssh.com.</summary>
public sealed class PasswordSftpFixture : SftpServerFixture
{
    public override SftpStorageOptions Options() => PasswordOptions();
}

/// <summary>ed25519 key login, a root folder relative to nothing but given absolute, and the fallback for servers
/// without posix-rename (delete, then rename).</summary>
public sealed class KeySftpFixture : SftpServerFixture
{
    public override SftpStorageOptions Options() => KeyOptions();

    public override bool UsePosixRename => false;
}
