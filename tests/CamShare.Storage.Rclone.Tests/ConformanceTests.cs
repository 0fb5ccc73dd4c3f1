using Xunit;
using CamShare.Storage.Conformance;

namespace CamShare.Storage.Rclone.Tests;

public sealed class RcloneLocalConformanceTests(LocalRemoteFixture f) : StorageProviderConformanceTests<LocalRemoteFixture>(f);

public sealed class RcloneSftpConformanceTests(SftpRemoteFixture f) : StorageProviderConformanceTests<SftpRemoteFixture>(f);

public sealed class RcloneCryptConformanceTests(CryptRemoteFixture f) : StorageProviderConformanceTests<CryptRemoteFixture>(f)
{
    [Fact]
    public async Task Names_and_contents_are_encrypted_on_the_underlying_remote()
    {
        const long length = 200_000;
        var key = Prefix + "porch/20240323T102000+0100.mp4";
        await PutGeneratedAsync(key, length, seed: 99);
        await AssertContentAsync(key, GeneratedStream.Md5Of(length, 99));

        var files = Directory.EnumerateFiles(Fixture.UnderlyingRoot, "*", SearchOption.AllDirectories).ToList();
        var file = Assert.Single(files);
        Assert.DoesNotContain("porch", file);
        Assert.DoesNotContain("20240323", file);
        // rclone crypt: 32-byte header + 16-byte tag per 64 KiB block.
        Assert.Equal(32 + length + 16 * ((length + 65535) / 65536), new FileInfo(file).Length);
        Assert.Equal("RCLONE\0\0"u8.ToArray(), File.ReadAllBytes(file)[..8]);
    }
}
