using System.Security.Cryptography;
using CamShare.Core.Pipeline;
using CamShare.Core.Storage.Local;

namespace CamShare.Crypt.Tests;

/// <summary>The start-up check of the configured key against what rclone (or an earlier run) stored, on the real
/// local provider over folders that the real rclone encrypted.</summary>
public sealed class CryptKeyCheckTests : IDisposable
{
    private const string Password = "the remote's password";
    private readonly string _folder = Directory.CreateTempSubdirectory("camshare-crypt-keycheck-").FullName;

    [Theory(Timeout = 60_000)]
    [InlineData("standard", true)]
    [InlineData("standard", false)]
    [InlineData("off", false)]
    public async Task The_right_key_matches_and_another_is_found_wrong(string mode, bool directories)
    {
        var rclone = await RcloneCryptRemote.CreateAsync(_folder, Password, null, mode, directories);
        var plain = Path.Combine(_folder, "plain");
        TestFiles.Write(plain, new() { ["porch/20261202/16/20261202T161500+0000.mp4"] = RandomNumberGenerator.GetBytes(70_000) });
        await rclone.CopyInAsync(plain);
        var provider = new LocalStorageProvider(new LocalStorageOptions { Path = rclone.EncryptedRoot });

        Assert.Equal(CryptKeyVerdict.Matches, (await Check(provider, Password, mode, directories)).Verdict);
        var (verdict, example) = await Check(provider, "another password", mode, directories);
        Assert.Equal(CryptKeyVerdict.WrongKey, verdict);
        Assert.Equal(TestFiles.RelativeFiles(rclone.EncryptedRoot).Single(), example);
    }

    [Fact(Timeout = 60_000)]
    public async Task Nothing_to_check_on_an_empty_folder_or_among_thousands_of_foreign_files()
    {
        var root = Path.Combine(_folder, "bucket");
        Directory.CreateDirectory(root);
        var provider = new LocalStorageProvider(new LocalStorageOptions { Path = root });
        Assert.Equal(CryptKeyVerdict.NothingToCheck, (await Check(provider, Password, "standard", true)).Verdict);
        for (var i = 0; i < 1500; i++)
        {
            var folder = Path.Combine(root, $"holiday-{i / 100}");
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, $"photo {i}.jpg"), "not encrypted", Ct);
        }
        Assert.Equal(CryptKeyVerdict.NothingToCheck, (await Check(provider, Password, "standard", true)).Verdict);
        Assert.Equal(CryptKeyVerdict.NothingToCheck, (await Check(provider, Password, "off", false)).Verdict);
    }

    [Fact]
    public void The_listed_prefix_is_the_templates_literal_folders()
    {
        Assert.Equal("", CryptKeyCheck.PlainPrefixOf("{camera}/{yyyyMMdd}/{HH}/{file}"));
        Assert.Equal("cams/home/", CryptKeyCheck.PlainPrefixOf("cams/home/{camera}/{file}"));
        Assert.Equal("cams/", CryptKeyCheck.PlainPrefixOf("cams/x{camera}/{file}"));
    }

    private static Task<(CryptKeyVerdict Verdict, string? Example)> Check(LocalStorageProvider provider, string password, string mode, bool directories)
    {
        var keys = RcloneCryptKeys.Derive(password);
        var names = new RcloneNameCipher(keys, Enum.Parse<FileNameEncryption>(mode, ignoreCase: true), directories);
        return new CryptKeyCheck(provider, keys, names).RunAsync("", Ct);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
