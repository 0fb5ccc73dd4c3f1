using CamShare.Core.Configuration;
using CamShare.Core.Plugins;
using CamShare.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CamShare.Storage.Ftp.Tests;

/// <summary>samples/ftp.json passes the host's own loader with the FTP plugin from artifacts/plugins.</summary>
public sealed class SampleConfigTests
{
    [Fact]
    public void The_sample_config_loads_with_the_ftp_plugin()
    {
        var work = Directory.CreateTempSubdirectory("camshare-ftp-sample-").FullName;
        try
        {
            var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "ftp.json"));
            // The secret file the sample names, here.
            var secret = Path.Combine(work, "ftp-password");
            File.WriteAllText(secret, "sample-secret\n");
            var config = Path.Combine(work, "camshare.json");
            File.WriteAllText(config, text.Replace("/etc/camshare/ftp-password", secret, StringComparison.Ordinal));
            var catalog = PluginLoader.LoadAll(new ServiceCollection(), [RepoPaths.Plugins]);

            var settings = new ConfigLoader(name => name == "PORCH_RTSP_PASSWORD" ? "x" : null).Load(ConfigLoader.Read(config), catalog);

            var storage = Assert.Single(settings.Storages);
            Assert.Equal("ftp", storage.Provider);
            Assert.Equal("sample-secret", storage.Options.GetType().GetProperty("Password")!.GetValue(storage.Options));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
