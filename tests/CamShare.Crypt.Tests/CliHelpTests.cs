using CamShare.Testing;

namespace CamShare.Crypt.Tests;

/// <summary>The built camshare names the decrypt verb and the encryption section where people look.</summary>
public sealed class CliHelpTests
{
    [Fact(Timeout = 60_000)]
    public async Task Help_names_decrypt_and_providers_lists_the_encryption_keys()
    {
        var help = await CamShareCli.RunAsync(["--help"]);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("decrypt", help.StandardOutput);
        var decryptHelp = await CamShareCli.RunAsync(["decrypt", "--help"]);
        Assert.Equal(0, decryptHelp.ExitCode);
        foreach (var option in new[] { "--out", "--config", "--destination", "--filename-encryption", "CAMSHARE_CRYPT_PASSWORD" })
            Assert.Contains(option, decryptHelp.StandardOutput);

        var providers = await CamShareCli.RunAsync(["providers"]);
        Assert.Contains("every storage may also have \"encryption\"", providers.StandardOutput);
        Assert.Contains("required; secret: or passwordEnv / passwordFile", providers.StandardOutput);
        Assert.Contains("filenameEncryption", providers.StandardOutput);
        Assert.Contains("(default standard)", providers.StandardOutput);
    }
}
