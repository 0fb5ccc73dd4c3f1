using CamShare.Core.Configuration;
using CamShare.Core.Plugins;
using CamShare.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Crypt.Tests;

/// <summary>samples/encrypted-local.json binds with the host's own loader, secrets from a file and the environment.</summary>
public sealed class SampleConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-crypt-sample-").FullName;

    [Fact]
    public void The_encrypted_local_sample_binds()
    {
        var passwordFile = Path.Combine(_dir, "crypt-password");
        File.WriteAllText(passwordFile, "from the file\n");
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "encrypted-local.json")).Replace("/etc/camshare/crypt-password", passwordFile);
        var path = Path.Combine(_dir, "camshare.json");
        File.WriteAllText(path, text);
        var environment = new Dictionary<string, string> { ["PORCH_RTSP_PASSWORD"] = "rtsp", ["CAMSHARE_CRYPT_PASSWORD2"] = "salt" };
        var settings = new ConfigLoader(environment.GetValueOrDefault)
            .Load(ConfigLoader.Read(path), PluginLoader.LoadAll(new ServiceCollection(), []));
        var encryption = settings.Storages.Single().Encryption!;
        Assert.Equal(("from the file", "salt"), encryption.PlainPasswords());
        Assert.Equal(FileNameEncryption.Standard, encryption.FilenameEncryption);
        Assert.True(encryption.DirectoryNameEncryption);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
