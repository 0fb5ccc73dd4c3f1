using System.Text.RegularExpressions;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CamShare.Testing;

namespace CamShare.Crypt.Tests;

/// <summary>
/// Camera → `camshare run` → the local provider with encryption on, all real: the RTSP simulator, the built
/// camshare executable, Debian's rclone reading the result through a crypt remote, ffprobe, and `camshare decrypt`.
/// </summary>
public sealed class EncryptedRecordingTests : IAsyncDisposable
{
    private const string PasswordVariable = "VAULT_CRYPT_PASSWORD";
    private readonly string _root = Directory.CreateTempSubdirectory("camshare-crypt-e2e-").FullName;
    private readonly string _password = "Vault-" + Guid.NewGuid().ToString("N");
    private RtspCamera? _camera;

    private string Remote => Path.Combine(_root, "remote");
    private string Spool => Path.Combine(_root, "spool");
    private string Config => Path.Combine(_root, "camshare.json");

    [Fact(Timeout = 180_000)]
    public async Task Segments_are_stored_encrypted_and_rclone_and_camshare_decrypt_them_to_the_recorded_bytes()
    {
        _camera = await RtspCamera.StartAsync();
        WriteConfig(_camera.Url);
        var environment = new Dictionary<string, string?> { [PasswordVariable] = _password };
        string output;
        await using (var run = CamShareService.Start(Config, environment, ownedMarker: _root))
        {
            await run.WaitForLinesAsync("→ vault: uploaded ", 2, TimeSpan.FromSeconds(90));
            Assert.Equal(0, await run.StopAsync(TimeSpan.FromSeconds(45)));
            output = run.Output;
        }
        Assert.DoesNotContain(_password, output);
        Assert.Contains("Destination 'vault': end-to-end encryption on (rclone crypt, file names standard, directory names encrypted)", output);
        Assert.Contains("verified (size", output); // the stored size is the ciphertext's, not the segment's

        // Kept local copies are the recorded segments; the remote holds only ciphertext under encrypted names.
        var kept = Directory.EnumerateFiles(Spool, "*.mp4", SearchOption.AllDirectories).ToDictionary(f => Path.GetFileName(f), Md5File);
        var stored = Directory.EnumerateFiles(Remote, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
        Assert.True(stored.Count >= 2, $"{stored.Count} stored objects:\n{output}");
        Assert.Equal(kept.Count, stored.Count);
        foreach (var file in stored)
        {
            var relative = Path.GetRelativePath(Remote, file);
            Assert.DoesNotContain("cam1", relative);
            Assert.DoesNotContain(".mp4", relative);
            Assert.Equal("RCLONE\0\0"u8.ToArray(), File.ReadAllBytes(file)[..8]);
            Assert.DoesNotContain(Md5File(file), kept.Values);
        }

        // Stock rclone lists the plain keys and decrypts to the spooled bytes, which play.
        var rclone = await RcloneOver(Remote);
        var listed = await rclone.ListFilesAsync();
        Assert.Equal(kept.Keys.Order(StringComparer.Ordinal), listed.Select(k => Path.GetFileName(k)).Order(StringComparer.Ordinal));
        Assert.All(listed, key => Assert.Matches(@"^cam1/\d{8}/\d{2}/\d{8}T\d{6}[+-]\d{4}\.mp4$", key));
        var byRclone = Path.Combine(_root, "rclone-out");
        await rclone.CopyOutAsync(byRclone);
        foreach (var key in listed)
        {
            var plain = Path.Combine(byRclone, key);
            Assert.Equal(kept[Path.GetFileName(key)], Md5File(plain));
            var facts = await MediaFacts.ProbeAsync(plain);
            Assert.True(facts.Duration > 0 && facts.Has("h264") && facts.DecodeErrors.Length == 0, $"{key}: {facts.Duration} s, {string.Join(",", facts.Codecs)}, {facts.DecodeErrors}");
        }

        // `camshare decrypt` with the destination's settings gives the same files and names.
        var byCamshare = Path.Combine(_root, "camshare-out");
        var decrypt = await CamShareCli.RunAsync(["decrypt", Remote, "--out", byCamshare, "--config", Config, "--destination", "vault"], environment);
        Assert.True(decrypt.ExitCode == 0, decrypt.StandardOutput + decrypt.StandardError);
        Assert.Equal(listed, TestFiles.RelativeFiles(byCamshare));
        foreach (var key in listed) Assert.Equal(kept[Path.GetFileName(key)], Md5File(Path.Combine(byCamshare, key)));
        Assert.DoesNotContain(_password, decrypt.StandardOutput + decrypt.StandardError);

        // A wrong password: exit 1, one clear line per file, nothing written.
        var wrongOut = Path.Combine(_root, "wrong-out");
        var wrong = await CamShareCli.RunAsync(["decrypt", Remote, "--out", wrongOut, "--config", Config, "--destination", "vault"],
            new Dictionary<string, string?> { [PasswordVariable] = "not-" + _password });
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("does not decrypt as a name with this password", wrong.StandardError);
        Assert.DoesNotContain("   at ", wrong.StandardError);
        Assert.False(Directory.Exists(wrongOut) && Directory.EnumerateFileSystemEntries(wrongOut).Any());
        Assert.DoesNotContain(_password, wrong.StandardOutput + wrong.StandardError);
    }

    [Fact(Timeout = 60_000)]
    public async Task Decrypt_usage_errors_exit_2_and_a_tampered_file_exits_1_without_output()
    {
        var keys = RcloneCryptKeys.Derive(_password);
        var names = new RcloneNameCipher(keys, FileNameEncryption.Off, false);
        var downloads = Path.Combine(_root, "downloads");
        Directory.CreateDirectory(downloads);
        var file = Path.Combine(downloads, names.EncryptFilePath("clip.mp4"));
        var encrypted = RcloneCryptFormat.Encrypt(RandomNumberGenerator.GetBytes(200_000), keys.DataKey);
        encrypted[^5] ^= 0x80;
        await File.WriteAllBytesAsync(file, encrypted, TestContext.Current.CancellationToken);
        var environment = new Dictionary<string, string?> { ["CAMSHARE_CRYPT_PASSWORD"] = _password };
        var output = Path.Combine(_root, "out");

        var tampered = await CamShareCli.RunAsync(["decrypt", file, "--out", output, "--filename-encryption", "off"], environment);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("clip.mp4.bin': authentication failed at block 3: wrong password (or password2), or the file was changed; nothing written", tampered.StandardError);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any());

        var noPath = await CamShareCli.RunAsync(["decrypt"], environment);
        Assert.Equal(2, noPath.ExitCode);
        Assert.Contains("give the encrypted file or folder", noPath.StandardError);
        var noPassword = await CamShareCli.RunAsync(["decrypt", file], new Dictionary<string, string?> { ["CAMSHARE_CRYPT_PASSWORD"] = null });
        Assert.Equal(2, noPassword.ExitCode);
        Assert.Contains("no password: give --config camshare.json --destination NAME, or set CAMSHARE_CRYPT_PASSWORD", noPassword.StandardError);
        var badMode = await CamShareCli.RunAsync(["decrypt", file, "--filename-encryption", "obfuscate"], environment);
        Assert.Equal(2, badMode.ExitCode);
        Assert.Contains("use off or standard", badMode.StandardError);
        var unknownOption = await CamShareCli.RunAsync(["decrypt", file, "--frobnicate"], environment);
        Assert.Equal(2, unknownOption.ExitCode);
        WriteConfig("rtsp://127.0.0.1:1/none");
        var unknownDestination = await CamShareCli.RunAsync(["decrypt", file, "--config", Config, "--destination", "nas"],
            new Dictionary<string, string?> { [PasswordVariable] = _password });
        Assert.Equal(2, unknownDestination.ExitCode);
        Assert.Contains("--destination 'nas' names no storage; configured: vault", unknownDestination.StandardError);
        foreach (var result in new[] { tampered, noPath, noPassword, badMode, unknownOption, unknownDestination })
        {
            Assert.DoesNotContain(_password, result.StandardOutput + result.StandardError);
            Assert.DoesNotContain("   at ", result.StandardError);
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task Through_the_rclone_plugin_with_names_off_the_ciphertext_md5_is_verified_and_rclone_reads_it()
    {
        _camera = await RtspCamera.StartAsync();
        var rcloneConfig = Path.Combine(_root, "plugin-rclone.conf");
        File.WriteAllText(rcloneConfig, "");
        // The real rclone behind a wrapper that records the environment each rclone child was given.
        var environments = Path.Combine(_root, "rclone-environments.txt");
        var spy = Path.Combine(_root, "rclone-spy");
        File.WriteAllText(spy, $"#!/bin/sh\nenv >> '{environments}'\nexec rclone \"$@\"\n");
        File.SetUnixFileMode(spy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WriteConfig(_camera.Url, new JsonObject
        {
            ["name"] = "vault", ["provider"] = "rclone", ["remote"] = "cslocal:" + Remote, ["configPath"] = rcloneConfig, ["rclonePath"] = spy,
            ["environment"] = new JsonObject { ["RCLONE_CONFIG_CSLOCAL_TYPE"] = "local" },
            ["encryption"] = new JsonObject { ["passwordEnv"] = PasswordVariable, ["filenameEncryption"] = "off" },
        });
        var environment = new Dictionary<string, string?> { [PasswordVariable] = _password };
        string output;
        await using (var run = CamShareService.Start(Config, environment, ownedMarker: _root))
        {
            await run.WaitForLinesAsync("→ vault: uploaded ", 2, TimeSpan.FromSeconds(90));
            Assert.Equal(0, await run.StopAsync(TimeSpan.FromSeconds(45)));
            output = run.Output;
        }
        // rclone's local backend reports its hashes: the pipeline compared them with the ciphertext's own.
        var uploads = UploadLines(output);
        Assert.True(uploads.Count >= 2, output);
        Assert.All(uploads, line => Assert.True(Regex.IsMatch(line, @"uploaded cam1/\d{8}/\d{2}/[^ ]+\.mp4\.bin, verified \(size\+md5"), line)); // sha1, sha256 too where rclone has them
        Assert.DoesNotContain(_password, output);
        // The provider only ever handles ciphertext: the password reaches neither the log nor rclone's config.
        Assert.DoesNotContain(_password, File.ReadAllText(rcloneConfig));
        // Nor does any rclone child's environment hold it (the variable passwordEnv names is the host's alone).
        var seen = File.ReadAllText(environments);
        Assert.Contains("RCLONE_CONFIG_CSLOCAL_TYPE=local", seen);
        Assert.DoesNotContain(_password, seen);
        Assert.DoesNotContain(PasswordVariable, seen);

        var kept = Directory.EnumerateFiles(Spool, "*.mp4", SearchOption.AllDirectories).ToDictionary(f => Path.GetFileName(f), Md5File);
        var rclone = await RcloneCryptRemote.CreateAsync(Path.Combine(_root, "rclone"), _password, null, "off", false, Remote);
        var listed = await rclone.ListFilesAsync();
        Assert.Equal(kept.Keys.Order(StringComparer.Ordinal), listed.Select(k => Path.GetFileName(k)).Order(StringComparer.Ordinal));
        foreach (var key in listed)
            Assert.Equal(kept[Path.GetFileName(key)], TestFiles.Md5(await rclone.CatAsync(key)));
    }

    private static List<string> UploadLines(string output) =>
        output.Split('\n').Where(l => l.Contains("→ vault: uploaded ", StringComparison.Ordinal)).ToList();

    [Fact(Timeout = 120_000)]
    public async Task A_wrong_password_on_a_remote_with_earlier_recordings_is_reported_once_and_recording_goes_on()
    {
        // Earlier recordings, encrypted by stock rclone with the remote's real password.
        var rclone = await RcloneCryptRemote.CreateAsync(Path.Combine(_root, "rclone"), "the real password", null, "standard", true, Remote);
        var earlier = Path.Combine(_root, "earlier");
        TestFiles.Write(earlier, new() { ["cam1/20261201/10/20261201T100000+0000.mp4"] = RandomNumberGenerator.GetBytes(5000) });
        await rclone.CopyInAsync(earlier);
        _camera = await RtspCamera.StartAsync();
        WriteConfig(_camera.Url);
        await using var run = CamShareService.Start(Config, new Dictionary<string, string?> { [PasswordVariable] = _password }, ownedMarker: _root);
        var error = await run.WaitForLinesAsync("objects already there do not decrypt with the configured encryption password", 1, TimeSpan.FromSeconds(60));
        await run.WaitForLinesAsync("→ vault: uploaded ", 1, TimeSpan.FromSeconds(60));
        Assert.Equal(0, await run.StopAsync(TimeSpan.FromSeconds(45)));
        var output = run.Output;
        Assert.Single(run.Matching("do not decrypt with the configured encryption password"));
        Assert.Contains("fix the setting", error[0].Text);
        Assert.DoesNotContain(_password, output);
        Assert.DoesNotContain("the real password", output);
        // The new segments were uploaded (under the configured key) and the earlier recording is untouched.
        Assert.True(Directory.EnumerateFiles(Remote, "*", SearchOption.AllDirectories).Count() >= 2, output);
        Assert.Equal(["cam1/20261201/10/20261201T100000+0000.mp4"], await rclone.ListFilesAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task Decrypt_skips_a_foreign_file_among_recordings_and_says_so()
    {
        var keys = RcloneCryptKeys.Derive(_password);
        var names = new RcloneNameCipher(keys, FileNameEncryption.Standard, true);
        var downloads = Path.Combine(_root, "downloads");
        var plain = RandomNumberGenerator.GetBytes(70_000);
        var stored = Path.Combine(downloads, names.EncryptFilePath("cam1/20261202/16/20261202T161500+0000.mp4"));
        Directory.CreateDirectory(Path.GetDirectoryName(stored)!);
        await File.WriteAllBytesAsync(stored, RcloneCryptFormat.Encrypt(plain, keys.DataKey), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(downloads, "notes.txt"), "a foreign file", TestContext.Current.CancellationToken);
        var output = Path.Combine(_root, "out");

        var result = await CamShareCli.RunAsync(["decrypt", downloads, "--out", output],
            new Dictionary<string, string?> { ["CAMSHARE_CRYPT_PASSWORD"] = _password });
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("'notes.txt' does not decrypt as a name with this password (wrong password, or not a crypt file); skipped", result.StandardError);
        Assert.Contains("1 of 2 file(s) decrypted", result.StandardOutput);
        Assert.Equal(["cam1/20261202/16/20261202T161500+0000.mp4"], TestFiles.RelativeFiles(output));
        Assert.Equal(plain, await File.ReadAllBytesAsync(Path.Combine(output, "cam1/20261202/16/20261202T161500+0000.mp4"), TestContext.Current.CancellationToken));
    }

    private void WriteConfig(string cameraUrl, JsonObject? storage = null)
    {
        var config = new JsonObject
        {
            ["cameras"] = new JsonArray(new JsonObject
            {
                ["name"] = "cam1", ["url"] = cameraUrl, ["segmentSeconds"] = 3, ["destinations"] = new JsonArray("vault"),
            }),
            ["storages"] = new JsonArray(storage ?? new JsonObject
            {
                ["name"] = "vault", ["provider"] = "local", ["path"] = Remote,
                ["encryption"] = new JsonObject { ["passwordEnv"] = PasswordVariable },
            }),
            ["spool"] = new JsonObject { ["path"] = Spool, ["keepLocal"] = true },
        };
        File.WriteAllText(Config, config.ToJsonString());
    }

    private Task<RcloneCryptRemote> RcloneOver(string encryptedFolder) =>
        RcloneCryptRemote.CreateAsync(Path.Combine(_root, "rclone"), _password, null, "standard", true, encryptedFolder);

    private static string Md5File(string path) => Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(path)));

    public async ValueTask DisposeAsync()
    {
        if (_camera is not null) await _camera.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
