using System.Security.Cryptography;
using CamShare.Abstractions;
using CamShare.Core.Pipeline;
using CamShare.Core.Spool;

namespace CamShare.Crypt.Tests;

/// <summary>The transform stage: re-openable ciphertext of a known length, checksums of that ciphertext, names encrypted.</summary>
public sealed class CryptTransformTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-crypt-transform-").FullName;

    [Fact]
    public async Task Every_open_yields_the_same_ciphertext_of_the_announced_length_and_checksums()
    {
        var plain = RandomNumberGenerator.GetBytes(3 * 65536 + 777);
        var path = Path.Combine(_dir, "porch-20261202-161500.mp4");
        await File.WriteAllBytesAsync(path, plain, Ct);
        var segment = new SpoolSegment("porch", path, plain.Length, Convert.ToHexStringLower(MD5.HashData(plain)), DateTimeOffset.Now, ["vault"]);
        var keys = RcloneCryptKeys.Derive("transform test");
        var names = new RcloneNameCipher(keys, FileNameEncryption.Standard, true);
        var prepared = new CryptTransform(keys, names).Prepare(segment, "porch/20261202/16/porch-20261202-161500.mp4");

        Assert.Equal("porch/20261202/16/porch-20261202-161500.mp4", names.TryDecryptFilePath(prepared.Key));
        Assert.Equal(4, prepared.Key.Split('/').Length);
        Assert.DoesNotContain("porch", prepared.Key);
        Assert.Null(prepared.Source.LocalPath); // the plain file must never be handed to a provider
        var first = await ReadAllAsync(prepared.Source, 1);     // tiny reads
        var second = await ReadAllAsync(prepared.Source, 100_003); // odd large reads
        Assert.Equal(prepared.Source.Length, first.Length);
        Assert.Equal(first, second);
        Assert.Equal(plain, RcloneCryptFormat.Decrypt(first, keys.DataKey));

        foreach (var (algorithm, hash) in new[] { ("md5", MD5.HashData(first)), ("sha1", SHA1.HashData(first)), ("sha256", SHA256.HashData(first)) })
            Assert.Equal(Convert.ToHexStringLower(hash), (await prepared.ExpectedChecksum(algorithm, Ct))!.Hex);
        Assert.Null(await prepared.ExpectedChecksum("crc32c", Ct));

        // Another preparation (a later attempt) has its own nonce: same length, different bytes.
        var again = await ReadAllAsync(new CryptTransform(keys, names).Prepare(segment, "k.mp4").Source, 65536);
        Assert.Equal(first.Length, again.Length);
        Assert.NotEqual(first, again);
    }

    [Fact]
    public async Task A_segment_that_shrank_under_the_encryptor_fails_instead_of_sending_a_wrong_length()
    {
        var path = Path.Combine(_dir, "porch-20261202-161500.mp4");
        await File.WriteAllBytesAsync(path, new byte[100_000], Ct);
        var segment = new SpoolSegment("porch", path, 100_000, "", DateTimeOffset.Now, ["vault"]);
        var keys = RcloneCryptKeys.Derive("transform test");
        var prepared = new CryptTransform(keys, new RcloneNameCipher(keys, FileNameEncryption.Off, false)).Prepare(segment, "a/b.mp4");
        Assert.Equal("a/b.mp4.bin", prepared.Key);
        await File.WriteAllBytesAsync(path, new byte[70_000], Ct);
        var error = await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(prepared.Source, 65536));
        Assert.Contains("ended after 70000 of its 100000 bytes", error.Message);
    }

    private static async Task<byte[]> ReadAllAsync(UploadSource source, int chunk)
    {
        await using var stream = await source.OpenAsync(Ct);
        using var output = new MemoryStream();
        var buffer = new byte[chunk];
        int n;
        while ((n = await stream.ReadAsync(buffer, Ct)) > 0) output.Write(buffer, 0, n);
        return output.ToArray();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
