using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamShare.Storage.Rclone.Tests;

/// <summary>
/// rclone's "local" backend as a remote named CSLOCAL, defined only through RCLONE_CONFIG_* variables, with an
/// empty config file of its own (the user's rclone config is never read).
/// </summary>
public class LocalRemoteFixture : StorageProviderFixture
{
    public const string RemoteName = "cslocal";
    private readonly string _base = Directory.CreateTempSubdirectory("camshare-rclone-local-").FullName;

    public string Root => Path.Combine(_base, "root");
    public string ConfigPath => Path.Combine(_base, "rclone.conf");
    public string RclonePath { get; private set; } = "";

    public override ValueTask InitializeAsync()
    {
        RclonePath = Tools.Rclone;
        Directory.CreateDirectory(Root);
        File.WriteAllText(ConfigPath, "");
        return ValueTask.CompletedTask;
    }

    public RcloneStorageOptions Options(Action<RcloneStorageOptions>? change = null)
    {
        var options = new RcloneStorageOptions
        {
            RclonePath = RclonePath,
            ConfigPath = ConfigPath,
            Remote = $"{RemoteName}:{Root}",
            Environment = new() { [$"RCLONE_CONFIG_{RemoteName.ToUpperInvariant()}_TYPE"] = "local" },
            OperationTimeoutSeconds = 300,
        };
        change?.Invoke(options);
        return options;
    }

    public RcloneStorageProvider Create(RcloneStorageOptions options) =>
        new(options, new StorageIdentity("rclone-test"), NullLogger<RcloneStorageProvider>.Instance);

    public override IStorageProvider CreateProvider() => Create(Options());

    public override ValueTask DisposeAsync()
    {
        try { Directory.Delete(_base, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
