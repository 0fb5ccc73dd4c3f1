using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using CamShare.Storage.WebDav.Tests.Fixtures;
using Xunit;

namespace CamShare.Storage.WebDav.Tests;

/// <summary>
/// The server dies in the middle of a run (each class has its own server instance): uploads fail with a
/// retryable error, the local file is untouched, and after a restart on the same port and data everything works
/// and the earlier objects are intact.
/// </summary>
public abstract class ServerDownTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : WebDavServerFixture
{
    [Fact]
    public async Task Nothing_is_lost_when_the_server_goes_down_mid_run()
    {
        using var provider = fixture.CreateProvider(fixture.Options());
        var ct = new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token;
        var prefix = $"down-{Guid.NewGuid():N}"[..13];
        var file = Path.Combine(Path.GetTempPath(), $"camshare-down-{Guid.NewGuid():N}.mp4");
        try
        {
            await using (var output = File.Create(file))
            await using (var input = new GeneratedStream(2_000_000, 3))
                await input.CopyToAsync(output, ct);
            var localMd5 = GeneratedStream.Md5Of(2_000_000, 3);

            var before = prefix + "/cam/before.mp4";
            await provider.PutAsync(before, UploadSource.FromStream(1_500_000,
                _ => ValueTask.FromResult<Stream>(new GeneratedStream(1_500_000, 1))), null, ct);

            // An upload is in flight when the server stops.
            const long slowLength = 12L << 20;
            using var slow = new GeneratedStream(slowLength, 2, gateAt: slowLength / 2);
            var inFlight = provider.PutAsync(prefix + "/cam/in-flight.mp4",
                UploadSource.FromStream(slowLength, _ => ValueTask.FromResult<Stream>(slow)), null, ct);
            await Task.WhenAny(slow.ReachedGate, inFlight);
            Assert.False(inFlight.IsCompleted, inFlight.Exception?.ToString());
            await fixture.StopServerAsync();
            slow.Release();
            var failed = await Assert.ThrowsAnyAsync<StorageTransientException>(() => inFlight);
            Assert.True(failed.IsRetryable);

            // While it is down: unreachable, retryable, and the local file is untouched.
            var down = await Assert.ThrowsAnyAsync<StorageTransientException>(() =>
                provider.PutAsync(prefix + "/cam/after.mp4", UploadSource.FromFile(file), null, ct));
            Assert.IsType<StorageUnreachableException>(down);
            await Assert.ThrowsAnyAsync<StorageUnreachableException>(() => provider.StatAsync(before, ct));
            await using (var local = File.OpenRead(file))
                Assert.Equal(localMd5, await Md5Async(local));

            await fixture.StartServerAsync();
            var stored = await provider.PutAsync(prefix + "/cam/after.mp4", UploadSource.FromFile(file), null, ct);
            Assert.Equal(2_000_000, stored.Size);

            await using (var remote = await provider.OpenReadAsync(prefix + "/cam/after.mp4", ct))
                Assert.Equal(localMd5, await Md5Async(remote));
            await using (var remote = await provider.OpenReadAsync(before, ct))
                Assert.Equal(GeneratedStream.Md5Of(1_500_000, 1), await Md5Async(remote));
            await Assert.ThrowsAnyAsync<StorageNotFoundException>(() => provider.StatAsync(prefix + "/cam/in-flight.mp4", ct));
            var listed = new List<string>();
            await foreach (var item in provider.ListAsync(prefix + "/", ct)) listed.Add(item.Key);
            Assert.Equal([prefix + "/cam/after.mp4", before], listed.Order(StringComparer.Ordinal));
            Assert.True(File.Exists(file));
        }
        finally
        {
            File.Delete(file);
            if (!fixture.IsServerRunning) await fixture.StartServerAsync();
        }
    }

    private static async Task<string> Md5Async(Stream stream)
    {
        using var md5 = System.Security.Cryptography.MD5.Create();
        return Convert.ToHexStringLower(await md5.ComputeHashAsync(stream));
    }
}

public sealed class ApacheServerDownTests(ApacheWebDavFixture fixture) : ServerDownTests<ApacheWebDavFixture>(fixture);

public sealed class NginxServerDownTests(NginxWebDavFixture fixture) : ServerDownTests<NginxWebDavFixture>(fixture);
