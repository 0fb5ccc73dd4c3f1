using System.Diagnostics;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamShare.Storage.Rclone.Tests;

/// <summary>
/// A crypt remote (CSCRYPT) over a local-path remote (CSLOCAL), both defined through RCLONE_CONFIG_* variables:
/// the "crypt remote over anything" case, with names and contents encrypted on disk.
/// </summary>
public class CryptRemoteFixture : StorageProviderFixture
{
    public const string Password = "camshare crypt test password";
    private readonly string _base = Directory.CreateTempSubdirectory("camshare-rclone-crypt-").FullName;
    private string _obscured = "";

    /// <summary>Where the encrypted files land on disk.</summary>
    public string UnderlyingRoot => Path.Combine(_base, "encrypted");
    public string ConfigPath => Path.Combine(_base, "rclone.conf");
    public string RclonePath { get; private set; } = "";

    public override async ValueTask InitializeAsync()
    {
        RclonePath = Tools.Rclone;
        Directory.CreateDirectory(UnderlyingRoot);
        File.WriteAllText(ConfigPath, "");
        var info = new ProcessStartInfo(RclonePath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "obscure", Password, "--config", ConfigPath }) info.ArgumentList.Add(a);
        using var obscure = Process.Start(info)!;
        _obscured = (await obscure.StandardOutput.ReadToEndAsync()).Trim();
        await obscure.WaitForExitAsync();
        if (obscure.ExitCode != 0 || _obscured.Length == 0)
            throw new InvalidOperationException("rclone obscure failed: " + await obscure.StandardError.ReadToEndAsync());
    }

    public override IReadOnlyList<string> Secrets => [Password, _obscured];

    // Encrypted names grow by about 60 %, and a temporary name adds 40 bytes, under the file system's 255-byte
    // limit (rclone documents about 143 characters for crypt names).
    public override int LongestNameBytes => 100;

    public RcloneStorageOptions Options() => new()
    {
        RclonePath = RclonePath,
        ConfigPath = ConfigPath,
        Remote = "cscrypt:",
        Environment = new()
        {
            ["RCLONE_CONFIG_CSLOCAL_TYPE"] = "local",
            ["RCLONE_CONFIG_CSCRYPT_TYPE"] = "crypt",
            ["RCLONE_CONFIG_CSCRYPT_REMOTE"] = "cslocal:" + UnderlyingRoot,
            ["RCLONE_CONFIG_CSCRYPT_PASSWORD"] = _obscured,
        },
        OperationTimeoutSeconds = 300,
    };

    public override IStorageProvider CreateProvider() =>
        new RcloneStorageProvider(Options(), new StorageIdentity("rclone-crypt-test"), NullLogger<RcloneStorageProvider>.Instance);

    public override ValueTask DisposeAsync()
    {
        try { Directory.Delete(_base, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
