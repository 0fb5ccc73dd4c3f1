using System.Security.Cryptography;
using CamShare.Viewer.Tests.Fixtures;

namespace CamShare.Viewer.Tests;

/// <summary>The C# side of rclone's crypt format (index objects, the viewing key) against the real rclone.</summary>
public sealed class RcloneCryptInteropTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("camshare-viewer-crypt-").FullName;
    private RcloneCrypt _rclone = null!;

    public async ValueTask InitializeAsync() => _rclone = await RcloneCrypt.CreateAsync(Path.Combine(_folder, "remote"), "crypt pässword 1");

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_data_key_is_the_first_32_bytes_of_rclones_scrypt_with_its_default_salt()
    {
        Assert.Equal(_rclone.DataKey, RcloneCryptKey.DeriveDataKey("crypt pässword 1"));
        Assert.NotEqual(_rclone.DataKey, RcloneCryptKey.DeriveDataKey("crypt pässword 1", "pepper"));
        Assert.Equal(new byte[32], RcloneCryptKey.DeriveDataKey(""));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(200_000)]
    public async Task What_rclone_encrypts_opens_here_and_what_this_encrypts_opens_in_rclone(int size)
    {
        var plain = RandomNumberGenerator.GetBytes(size);
        var local = Path.Combine(_folder, $"plain-{size}");
        await File.WriteAllBytesAsync(local, plain, Ct);

        await _rclone.PutAsync(local, $"a/{size}");
        var stored = await File.ReadAllBytesAsync(Path.Combine(_rclone.EncryptedRoot, "a", $"{size}.bin"), Ct);
        Assert.Equal(RcloneCryptFormat.EncryptedSize(size), stored.Length);
        Assert.Equal(plain, RcloneCryptFormat.Decrypt(stored, _rclone.DataKey));

        var mine = RcloneCryptFormat.Encrypt(plain, RcloneCryptKey.DeriveDataKey("crypt pässword 1"));
        Directory.CreateDirectory(Path.Combine(_rclone.EncryptedRoot, "b"));
        await File.WriteAllBytesAsync(Path.Combine(_rclone.EncryptedRoot, "b", $"{size}.bin"), mine, Ct);
        Assert.Equal(plain, await _rclone.CatAsync($"b/{size}"));
    }

    [Fact]
    public void A_changed_byte_or_a_wrong_key_is_refused()
    {
        var stored = RcloneCryptFormat.Encrypt(RandomNumberGenerator.GetBytes(70_000), _rclone.DataKey);
        stored[^5] ^= 0x20;
        Assert.Throws<CryptographicException>(() => RcloneCryptFormat.Decrypt(stored, _rclone.DataKey));
        stored[^5] ^= 0x20;
        Assert.Throws<CryptographicException>(() => RcloneCryptFormat.Decrypt(stored, RandomNumberGenerator.GetBytes(32)));
        Assert.Throws<CryptographicException>(() => RcloneCryptFormat.Decrypt(stored.AsSpan(0, 40), _rclone.DataKey));
        Assert.Throws<CryptographicException>(() => RcloneCryptFormat.Decrypt("not rclone at all, nope, no"u8.ToArray(), _rclone.DataKey));
    }

    [Fact]
    public async Task The_codecs_of_a_real_ffmpeg_segment()
    {
        var file = Path.Combine(_folder, "segment.mp4");
        await Footage.MakeSegmentAsync(file, 0);
        Assert.Equal("avc1.42C01E, mp4a.40.2", MseCodecs.FromFfprobeJson(await Footage.ProbeAsync(file)));
    }
}
