using CamShare.Abstractions;
using Xunit;
using static CamShare.Storage.Rclone.Tests.TestData;

namespace CamShare.Storage.Rclone.Tests;

/// <summary>Behaviour beyond the conformance suite, against rclone's local backend.</summary>
public sealed class RcloneProviderTests(LocalRemoteFixture fixture) : IClassFixture<LocalRemoteFixture>
{
    [Fact]
    public async Task A_remote_missing_from_the_config_is_a_configuration_error_that_names_it()
    {
        var provider = fixture.Create(fixture.Options(o => o.Remote = "nosuchremote:cams"));

        // 4 MiB streamed: more than a pipe holds, so rclone exits while the content is still being written to it.
        var put = await Assert.ThrowsAsync<StorageConfigurationException>(() =>
            provider.PutAsync("porch/a.mp4", Generated(4L << 20, 1), null, Timeout()));
        Assert.False(put.IsRetryable);
        Assert.Contains("'nosuchremote'", put.Message);
        Assert.Contains("rclone listremotes", put.Message);

        await Assert.ThrowsAsync<StorageConfigurationException>(async () =>
        {
            await foreach (var _ in provider.ListAsync("", Timeout())) { }
        });
        // Not "not found": a missing remote must never look like a missing object (or a successful delete).
        await Assert.ThrowsAsync<StorageConfigurationException>(() => provider.StatAsync("porch/a.mp4", Timeout()));
        await Assert.ThrowsAsync<StorageConfigurationException>(() => provider.DeleteAsync("porch/a.mp4", Timeout()));
    }

    [Fact]
    public async Task A_local_file_upload_reports_rclone_progress_up_to_its_length_and_keeps_the_file()
    {
        const long length = 6L << 20;
        var file = await WriteFileAsync(length, seed: 7);
        try
        {
            var before = Md5OfFile(file);
            var provider = fixture.Create(fixture.Options(o => o.BandwidthLimit = "4M"));
            var progress = new WatchedProgress();
            var key = NewPrefix("progress") + "20240323T102000+0100.mp4";

            var stored = await provider.PutAsync(key, UploadSource.FromFile(file), progress, Timeout());

            Assert.Equal(length, stored.Size);
            Assert.True(progress.Moving.IsCompleted, "no stats line from rclone reported bytes in flight");
            var reports = progress.Reports.ToArray();
            Assert.All(reports, r => Assert.InRange(r.BytesTransferred, 0, length));
            Assert.Equal(length, reports[^1].BytesTransferred);
            Assert.Equal(before, Md5OfFile(file));
            Assert.Equal(before, await Md5OfObjectAsync(provider, key));
            // The local backend hashes the stored file: the put reports checksums the pipeline can verify.
            Assert.Equal(before, stored.FindChecksum(ChecksumAlgorithms.Md5)?.Hex);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task No_temporary_object_is_left_beside_the_key_after_puts()
    {
        var prefix = NewPrefix("temps");
        var provider = fixture.CreateProvider();
        await provider.PutAsync(prefix + "a/1.mp4", Generated(5000, 1), null, Timeout());
        await provider.PutAsync(prefix + "a/1.mp4", Generated(6000, 2), null, Timeout());
        var onDisk = Directory.EnumerateFiles(Path.Combine(fixture.Root, prefix), "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName).ToList();
        Assert.Equal(["1.mp4"], onDisk);
    }

    [Fact]
    public async Task Diagnostics_report_the_rclone_version_and_that_the_remote_exists()
    {
        var provider = fixture.Create(fixture.Options());
        var results = await provider.DiagnoseAsync(Timeout());

        var version = Assert.Single(results, r => r.Name == "rclone version");
        Assert.True(version.Ok, version.Detail);
        Assert.StartsWith("rclone v1.", version.Detail);
        var remote = Assert.Single(results, r => r.Name == "rclone remote");
        Assert.True(remote.Ok, remote.Detail);
        Assert.Contains("'cslocal' is defined", remote.Detail);
        Assert.All(results, r => Assert.True(r.Ok, $"{r.Name}: {r.Detail}"));
        Assert.Contains("md5", Assert.Single(results, r => r.Name == "rclone remote features").Detail);
    }

    [Fact]
    public async Task Diagnostics_say_when_the_remote_is_not_in_the_config_or_rclone_is_missing()
    {
        var missing = fixture.Create(fixture.Options(o => o.Remote = "nosuchremote:cams"));
        var results = await missing.DiagnoseAsync(Timeout());
        Assert.True(Assert.Single(results, r => r.Name == "rclone version").Ok);
        var remote = Assert.Single(results, r => r.Name == "rclone remote");
        Assert.False(remote.Ok);
        Assert.Contains("'nosuchremote' is not in rclone's config", remote.Detail);
        Assert.Contains("cslocal:", remote.Detail); // the remotes it does know

        var noBinary = fixture.Create(fixture.Options(o => o.RclonePath = "/nonexistent/rclone"));
        var version = Assert.Single(await noBinary.DiagnoseAsync(Timeout()));
        Assert.False(version.Ok);
        Assert.Contains("install", version.Detail);
        await Assert.ThrowsAsync<StorageConfigurationException>(() =>
            noBinary.PutAsync("x.mp4", Generated(1, 1), null, Timeout()));
    }

    [Fact]
    public async Task A_secret_in_the_environment_never_appears_in_an_exception_or_a_log()
    {
        const string secret = "Sekr1tValue123";
        var logger = new CapturingLogger<RcloneStorageProvider>();
        // rclone echoes a bad flag value from the environment (and the value minus its last character).
        var options = fixture.Options(o => o.Environment["RCLONE_BWLIMIT"] = secret);
        var provider = new RcloneStorageProvider(options, new StorageIdentity("secret-test"), logger);

        var error = await Assert.ThrowsAsync<StorageConfigurationException>(() =>
            provider.PutAsync("a.mp4", Generated(10, 1), null, Timeout()));

        Assert.Contains("RCLONE_BWLIMIT", error.Message); // rclone's own line made it into the message...
        Assert.DoesNotContain(secret[..^1], error.Message); // ...without the value
        Assert.Contains(SecretRedactor.Mask, error.Message);
        Assert.NotEmpty(logger.Messages);
        Assert.All(logger.Messages, m => Assert.DoesNotContain(secret[..^1], m));
    }

    [Fact]
    public async Task A_password_inside_an_on_the_fly_remote_never_appears_in_an_exception()
    {
        const string secret = "Sekr1tPass99";
        var provider = fixture.Create(fixture.Options(o =>
            o.Remote = $":sftp,host=127.0.0.1,port=1,user=nobody,pass={secret}:/cams"));

        var error = await Assert.ThrowsAnyAsync<StorageException>(() =>
            provider.PutAsync("a.mp4", Generated(10, 1), null, Timeout()));

        Assert.Contains(":sftp,", error.Message);
        Assert.DoesNotContain(secret, error.Message);
    }
}
