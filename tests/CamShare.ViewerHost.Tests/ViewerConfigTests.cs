using System.Security.Cryptography;
using CamShare.ViewerHost.Tests.Fixtures;
using CamShare.Viewer;

namespace CamShare.ViewerHost.Tests;

/// <summary>`camshare viewer-config`: the printed rclone config, loaded into the real rclone, decrypts a segment.</summary>
public sealed class ViewerConfigTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_printed_config_lets_rclone_decrypt_a_stored_segment_that_plays()
    {
        using var site = new HostSite();
        var plain = Path.Combine(site.Root, "segment.mp4");
        await Tools.RunAsync("ffmpeg", ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=25:duration=3",
            "-f", "lavfi", "-i", "sine=duration=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", plain]);
        // As the encryption stage stores it (filenameEncryption off): rclone's format, ".bin" added to the name.
        var stored = Path.Combine(site.CameraFolder, "20240323", "10", "20240323T102000-0500.mp4.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(stored)!);
        var key = RcloneCryptKey.DeriveDataKey(HostSite.Password, HostSite.Password2);
        await File.WriteAllBytesAsync(stored, RcloneCryptFormat.Encrypt(await File.ReadAllBytesAsync(plain, Ct), key), Ct);

        var result = await site.CliAsync("viewer-config", "--destination", "nas");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.DoesNotContain(HostSite.Password, result.StandardOutput);
        Assert.DoesNotContain(HostSite.Password2, result.StandardOutput);
        Assert.Contains("rclone --config FILE serve http nas-crypt:", result.StandardOutput);
        Assert.Contains("rclone --config FILE mount nas-crypt:", result.StandardOutput);
        var config = Path.Combine(site.Root, "rclone.conf");
        await File.WriteAllTextAsync(config, result.StandardOutput, Ct);
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var environment = new Dictionary<string, string> { ["RCLONE_CONFIG"] = config };

        var listing = await Tools.RunAsync("rclone", ["--config", config, "lsf", "-R", "--files-only", "nas-crypt:porch"], environment);
        var decrypted = Path.Combine(site.Root, "decrypted.mp4");
        await Tools.RunAsync("rclone", ["--config", config, "copyto", "nas-crypt:porch/20240323/10/20240323T102000-0500.mp4", decrypted], environment);

        Assert.Equal("20240323/10/20240323T102000-0500.mp4", listing.Trim());
        Assert.Equal(MD5.HashData(await File.ReadAllBytesAsync(plain, Ct)), MD5.HashData(await File.ReadAllBytesAsync(decrypted, Ct)));
        var probe = await Tools.RunAsync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width", "-of", "csv=p=0", decrypted]);
        Assert.Contains("h264,320", probe);
        await Tools.RunAsync("ffmpeg", ["-nostdin", "-v", "error", "-i", decrypted, "-f", "null", "-"]); // decodes without error
    }

    [Fact]
    public async Task A_storage_without_encryption_exits_2()
    {
        using var site = new HostSite(viewer: false);
        site.EditConfig(config => config["storages"]![0]!.AsObject().Remove("encryption"));

        var result = await site.CliAsync("viewer-config", "--destination", "nas");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("storages[0].encryption is missing", result.StandardError);
    }
}
