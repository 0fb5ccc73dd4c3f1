using System.Security.Cryptography;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CamShare.Storage.S3.Tests;

/// <summary>
/// The server dies (SIGKILL) in the middle of a run and comes back on the same port and data folder: uploads
/// during the outage fail as transient errors and leave the local files alone; afterwards they succeed, and
/// everything stored before the outage is still there, byte for byte. Uses its own server, not the shared one.
/// </summary>
public sealed class S3OutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private S3rverServer _server = null!;
    private S3StorageProvider _provider = null!;
    private readonly string _folder = Directory.CreateTempSubdirectory("camshare-s3-outage-").FullName;

    private static CancellationToken Timeout(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public async ValueTask InitializeAsync()
    {
        _server = await S3rverServer.StartAsync();
        _provider = new S3StorageProvider(new S3StorageOptions
        {
            Bucket = _server.Bucket, Endpoint = _server.Endpoint, Region = "us-east-1", Prefix = "cams",
            AccessKeyId = _server.AccessKey, SecretAccessKey = _server.SecretKey,
            MultipartThresholdMiB = 5, PartSizeMiB = 5, Concurrency = 2, RequestTimeoutSeconds = 30,
        }, new StorageIdentity("outage"), NullLogger<S3StorageProvider>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Uploads_fail_transiently_while_the_server_is_down_and_nothing_is_lost_after_it_restarts()
    {
        var small = await WriteFileAsync("small.mp4", 700_000, seed: 201);
        var large = await WriteFileAsync("large.mp4", (12L << 20) + 3, seed: 202);
        var during = await WriteFileAsync("during.mp4", (6L << 20) + 5, seed: 203);
        var md5 = new Dictionary<string, string>();
        foreach (var file in new[] { small, large, during }) md5[file] = await Md5OfFileAsync(file);

        await _provider.PutAsync("porch/small.mp4", UploadSource.FromFile(small), null, Timeout());
        await _provider.PutAsync("porch/large.mp4", UploadSource.FromFile(large), null, Timeout());

        // A multipart upload is in flight (first part sent, the source paused) when the server is killed.
        const long inFlightLength = 12L << 20;
        using var content = new GeneratedStream(inFlightLength, seed: 204, gateAt: 7L << 20);
        var inFlight = _provider.PutAsync("porch/in-flight.mp4",
            UploadSource.FromStream(inFlightLength, _ => ValueTask.FromResult<Stream>(content)), null, Timeout());
        await Task.WhenAny(content.ReachedGate, inFlight);
        Assert.False(inFlight.IsCompleted, inFlight.Exception?.ToString() ?? "the in-flight put finished early");

        await _server.KillAsync();
        content.Release();
        var cut = await Assert.ThrowsAnyAsync<StorageTransientException>(() => inFlight);
        Assert.True(cut.IsRetryable);
        output.WriteLine($"in flight when killed: {cut.GetType().Name}: {cut.Message}");

        var refused = await Assert.ThrowsAnyAsync<StorageTransientException>(() =>
            _provider.PutAsync("porch/during.mp4", UploadSource.FromFile(during), null, Timeout()));
        output.WriteLine($"during the outage: {refused.GetType().Name}: {refused.Message}");
        Assert.IsType<StorageUnreachableException>(refused);
        await Assert.ThrowsAnyAsync<StorageTransientException>(async () =>
        {
            await foreach (var _ in _provider.ListAsync("", Timeout())) { }
        });
        Assert.Equal(md5[during], await Md5OfFileAsync(during)); // the local file is untouched

        await _server.RestartAsync();

        var stored = await _provider.PutAsync("porch/during.mp4", UploadSource.FromFile(during), null, Timeout());
        Assert.Equal(new FileInfo(during).Length, stored.Size);
        Assert.Equal(md5[small], await Md5OfObjectAsync("porch/small.mp4"));
        Assert.Equal(md5[large], await Md5OfObjectAsync("porch/large.mp4"));
        Assert.Equal(md5[during], await Md5OfObjectAsync("porch/during.mp4"));
        var keys = new List<string>();
        await foreach (var item in _provider.ListAsync("", Timeout())) keys.Add(item.Key);
        Assert.Equal(["porch/during.mp4", "porch/large.mp4", "porch/small.mp4"], keys.Order(StringComparer.Ordinal));
    }

    private async Task<string> WriteFileAsync(string name, long length, int seed)
    {
        var path = Path.Combine(_folder, name);
        await using var target = File.Create(path);
        await using var source = new GeneratedStream(length, seed);
        await source.CopyToAsync(target, TestContext.Current.CancellationToken);
        return path;
    }

    private async Task<string> Md5OfObjectAsync(string key)
    {
        await using var stream = await _provider.OpenReadAsync(key, Timeout());
        return Convert.ToHexStringLower(await MD5.HashDataAsync(stream, Timeout()));
    }

    private static async Task<string> Md5OfFileAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await MD5.HashDataAsync(stream));
    }
}
