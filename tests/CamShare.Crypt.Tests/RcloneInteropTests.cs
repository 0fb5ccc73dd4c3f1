using System.Security.Cryptography;

namespace CamShare.Crypt.Tests;

/// <summary>
/// Both ways with the real rclone, for each name mode and directory-name setting: what CamShare encrypts rclone
/// lists with the plain names and reads byte for byte; what rclone encrypts CamShare decrypts, names included.
/// </summary>
public sealed class RcloneInteropTests : IDisposable
{
    private const string Password = "kamera pässwort 1";
    private readonly string _folder = Directory.CreateTempSubdirectory("camshare-crypt-interop-").FullName;

    public static TheoryData<string, bool, string?> Modes => new()
    {
        { "off", false, null },
        { "off", true, null },
        { "standard", false, null },
        { "standard", true, null },
        { "standard", true, "salz und pfeffer" },
    };

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Modes))]
    public async Task Files_camshare_encrypts_are_listed_and_read_by_rclone(string mode, bool directories, string? password2)
    {
        var rclone = await RcloneCryptRemote.CreateAsync(_folder, Password, password2, mode, directories);
        var keys = RcloneCryptKeys.Derive(Password, password2);
        var names = new RcloneNameCipher(keys, Parse(mode), directories);
        var files = TestFiles.Create();
        foreach (var (path, plain) in files)
        {
            var stored = Path.Combine(rclone.EncryptedRoot, names.EncryptFilePath(path));
            Directory.CreateDirectory(Path.GetDirectoryName(stored)!);
            await using var encrypting = new RcloneEncryptingStream(new MemoryStream(plain), keys.DataKey, RcloneCryptFormat.NewNonce(), plain.Length);
            await using (var output = File.Create(stored)) await encrypting.CopyToAsync(output, Ct);
            Assert.Equal(RcloneCryptFormat.EncryptedSize(plain.Length), new FileInfo(stored).Length);
            Assert.Equal(encrypting.Length, new FileInfo(stored).Length);
        }

        // The provider sees no plain name where names are encrypted, and no plaintext anywhere.
        var onDisk = TestFiles.RelativeFiles(rclone.EncryptedRoot);
        Assert.Equal(files.Count, onDisk.Count);
        if (mode == "standard")
            Assert.DoesNotContain(onDisk, p => p.Contains(".mp4") || (directories && p.Contains("porch")));
        else
            Assert.All(onDisk, p => Assert.EndsWith(".mp4.bin", p));

        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), await rclone.ListFilesAsync());
        var copied = Path.Combine(_folder, "rclone-decrypted");
        await rclone.CopyOutAsync(copied);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), TestFiles.RelativeFiles(copied));
        foreach (var (path, plain) in files)
            Assert.Equal(TestFiles.Md5(plain), TestFiles.Md5(await File.ReadAllBytesAsync(Path.Combine(copied, path), Ct)));
        var multiBlock = files.Single(f => f.Value.Length > 1024 * 1024);
        Assert.Equal(multiBlock.Value, await rclone.CatAsync(multiBlock.Key));
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Modes))]
    public async Task Files_rclone_encrypts_are_decrypted_by_camshare_with_names(string mode, bool directories, string? password2)
    {
        var rclone = await RcloneCryptRemote.CreateAsync(_folder, Password, password2, mode, directories);
        var files = TestFiles.Create();
        var plainFolder = Path.Combine(_folder, "plain");
        TestFiles.Write(plainFolder, files);
        await rclone.CopyInAsync(plainFolder);

        var keys = RcloneCryptKeys.Derive(Password, password2);
        var tree = new RcloneCryptTree(keys, new RcloneNameCipher(keys, Parse(mode), directories));
        var output = Path.Combine(_folder, "camshare-decrypted");
        var results = await tree.DecryptAsync(rclone.EncryptedRoot, output, Ct);

        Assert.All(results, r => Assert.Null(r.Problem));
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), TestFiles.RelativeFiles(output));
        foreach (var (path, plain) in files)
            Assert.Equal(TestFiles.Md5(plain), TestFiles.Md5(await File.ReadAllBytesAsync(Path.Combine(output, path), Ct)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Stored_names_match_rclones_own_encoding_segment_by_segment()
    {
        var rclone = await RcloneCryptRemote.CreateAsync(_folder, Password, null, "standard", true);
        var keys = RcloneCryptKeys.Derive(Password);
        var names = new RcloneNameCipher(keys, FileNameEncryption.Standard, true);
        // 15, 16 and 17 bytes straddle a padding block; the long one spans many EME blocks.
        foreach (var plain in new[] { "a", "porch-20261202-", "porch-2026120216", "porch-20261202160", "ünïcödé näme.mp4", new string('x', 140) })
        {
            var stored = names.EncryptSegment(plain);
            Assert.Matches("^[0-9a-v]+$", stored);
            Assert.Equal(plain, names.TryDecryptSegment(stored));
            Assert.Equal(plain, names.TryDecryptSegment(stored.ToUpperInvariant()));
            var decoded = await rclone.CryptDecodeAsync(stored);
            Assert.Equal($"{stored} \t {plain}", decoded);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Wrong_password_is_an_authentication_error_and_leaves_no_file()
    {
        var rclone = await RcloneCryptRemote.CreateAsync(_folder, Password, null, "off", false);
        var plainFolder = Path.Combine(_folder, "plain");
        TestFiles.Write(plainFolder, new() { ["clip.mp4"] = RandomNumberGenerator.GetBytes(100_000) });
        await rclone.CopyInAsync(plainFolder);
        var stored = Path.Combine(rclone.EncryptedRoot, "clip.mp4.bin");
        var output = Path.Combine(_folder, "out");

        var wrong = RcloneCryptKeys.Derive("not the password");
        var error = await Assert.ThrowsAsync<CryptographicException>(() => RcloneCryptFile.DecryptAsync(stored, Path.Combine(output, "clip.mp4"), wrong.DataKey, Ct));
        Assert.Contains("authentication failed at block 0: wrong password", error.Message);
        Assert.DoesNotContain("not the password", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(output));

        // The whole-tree form reports it per file and writes nothing either.
        var results = await new RcloneCryptTree(wrong, new RcloneNameCipher(wrong, FileNameEncryption.Off, false))
            .DecryptAsync(rclone.EncryptedRoot, output, Ct);
        Assert.Contains("authentication failed", Assert.Single(results).Problem);
        Assert.Empty(Directory.EnumerateFileSystemEntries(output));
    }

    [Fact(Timeout = 60_000)]
    public async Task Tampered_block_is_an_authentication_error_and_keeps_an_existing_output()
    {
        var rclone = await RcloneCryptRemote.CreateAsync(_folder, Password, null, "off", false);
        var plainFolder = Path.Combine(_folder, "plain");
        TestFiles.Write(plainFolder, new() { ["clip.mp4"] = RandomNumberGenerator.GetBytes(3 * 65536 + 10) });
        await rclone.CopyInAsync(plainFolder);
        var stored = Path.Combine(rclone.EncryptedRoot, "clip.mp4.bin");
        var bytes = await File.ReadAllBytesAsync(stored, Ct);
        bytes[RcloneCryptFormat.HeaderSize + 2 * (65536 + 16) + 100] ^= 0x01; // one bit in the third block
        await File.WriteAllBytesAsync(stored, bytes, Ct);
        var output = Path.Combine(_folder, "out");
        Directory.CreateDirectory(output);
        var target = Path.Combine(output, "clip.mp4");
        await File.WriteAllTextAsync(target, "an earlier good copy", Ct);

        var keys = RcloneCryptKeys.Derive(Password);
        var error = await Assert.ThrowsAsync<CryptographicException>(() => RcloneCryptFile.DecryptAsync(stored, target, keys.DataKey, Ct));
        Assert.Contains("authentication failed at block 2", error.Message);
        Assert.Equal("an earlier good copy", await File.ReadAllTextAsync(target, Ct));
        Assert.Equal(["clip.mp4"], TestFiles.RelativeFiles(output)); // no temporary left

        // rclone agrees the file is damaged.
        await Assert.ThrowsAsync<InvalidOperationException>(() => rclone.CatAsync("clip.mp4"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Obscured_passwords_round_trip_with_rclone()
    {
        foreach (var password in new[] { "kamera pässwort 1", "x", "with spaces and \"quotes\" and 🎥" })
        {
            Assert.Equal(password, RcloneObscure.Reveal(await RcloneCryptRemote.ObscureAsync(password)));
            Assert.Equal(password, await RcloneCryptRemote.RevealAsync(RcloneObscure.Obscure(password)));
        }
        Assert.Throws<FormatException>(() => RcloneObscure.Reveal("kamera pässwort 1"));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FileNameEncryption Parse(string mode) => Enum.Parse<FileNameEncryption>(mode, ignoreCase: true);

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
