using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using Xunit;
using static CamShare.Storage.Rclone.Tests.TestData;

namespace CamShare.Storage.Rclone.Tests;

/// <summary>The SFTP server dies in the middle of an upload and comes back (its own server: it is stopped here).</summary>
public sealed class RcloneSftpOutageTests(SftpRemoteFixture fixture, ITestOutputHelper output)
    : IClassFixture<SftpRemoteFixture>
{
    [Fact]
    public async Task A_server_down_mid_upload_gives_a_transient_error_loses_nothing_and_the_retry_succeeds()
    {
        var provider = fixture.CreateProvider();
        var prefix = NewPrefix("outage");
        string[] earlier = [prefix + "earlier/1.mp4", prefix + "earlier/2.mp4"];
        for (var i = 0; i < earlier.Length; i++) await provider.PutAsync(earlier[i], Generated(150_000 + i, 10 + i), null, Timeout());

        const long length = 8L << 20;
        var file = await WriteFileAsync(length, seed: 12);
        try
        {
            var before = Md5OfFile(file);
            var key = prefix + "during/20240323T102000+0100.mp4";
            var slow = fixture.Create(fixture.Options(o => o.BandwidthLimit = "1M"));
            var progress = new WatchedProgress();
            var put = slow.PutAsync(key, UploadSource.FromFile(file), progress, Timeout(300));
            await Task.WhenAny(progress.Moving, put);
            Assert.False(put.IsCompleted, put.Exception?.ToString() ?? "the upload finished before the server went down");

            await fixture.StopServerAsync();
            var error = await Assert.ThrowsAnyAsync<StorageTransientException>(() => put);
            output.WriteLine($"while down: {error.GetType().Name}: {error.Message}");
            Assert.True(error.IsRetryable);
            Assert.True(File.Exists(file));
            Assert.Equal(before, Md5OfFile(file));

            // While it is down, nothing answers on the port: "unreachable", a transient error.
            var quick = fixture.Create(fixture.Options(o => o.ExtraFlags = ["--low-level-retries", "1"]));
            await Assert.ThrowsAsync<StorageUnreachableException>(() => ListAsync(quick, prefix));

            await fixture.StartServerAsync();
            // The cut upload may leave its temporary (listed raw, swept by the host later), never the object.
            Assert.DoesNotContain(await ListAsync(provider, prefix + "during/"), o => !StorageKeys.IsTemporary(o.Key));
            var stored = await provider.PutAsync(key, UploadSource.FromFile(file), null, Timeout());
            Assert.Equal(length, stored.Size);
            Assert.Equal(before, await Md5OfObjectAsync(provider, key));
            for (var i = 0; i < earlier.Length; i++)
                Assert.Equal(GeneratedStream.Md5Of(150_000 + i, 10 + i), await Md5OfObjectAsync(provider, earlier[i]));
            Assert.Equal(earlier.Append(key).Order(StringComparer.Ordinal),
                (await ListAsync(provider, prefix)).Select(o => o.Key).Where(k => !StorageKeys.IsTemporary(k)).Order(StringComparer.Ordinal));

            // The interrupted upload left its temporary object on the server (the server was gone, so it could not
            // be removed); the provider that made it removes it after its next good put.
            List<string> Leftovers() => Directory.EnumerateFiles(fixture.DataRoot, "*" + StorageKeys.TemporaryPrefix + "*",
                SearchOption.AllDirectories).ToList();
            var left = Leftovers();
            output.WriteLine($"temporary objects left on the server by the interrupted upload: {left.Count}");
            Assert.NotEmpty(left);
            await slow.PutAsync(prefix + "after/1.mp4", Generated(1000, 20), null, Timeout());
            Assert.Empty(Leftovers());
        }
        finally
        {
            File.Delete(file);
            await fixture.StartServerAsync();
        }
    }
}
