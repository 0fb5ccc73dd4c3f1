using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using CamShare.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamShare.Storage.S3.Tests;

/// <summary>Starts s3rver once per test class and creates S3 providers against it.</summary>
public sealed class S3ServerFixture : StorageProviderFixture
{
    /// <summary>Small parts keep the multipart tests fast; 5 MiB is S3's minimum part size.</summary>
    public const int PartSizeMiB = 5;
    public const int Concurrency = 2;

    private S3rverServer? _server;

    public S3rverServer Server => _server ?? throw new InvalidOperationException("the fixture is not initialised");

    public override async ValueTask InitializeAsync() => _server = await S3rverServer.StartAsync();

    public override async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>Valid settings for the running server; tests change copies of them.</summary>
    public S3StorageOptions Options(string prefix = "camshare-tests/") => new()
    {
        Bucket = Server.Bucket,
        Prefix = prefix,
        Endpoint = Server.Endpoint,
        Region = "us-east-1",
        AccessKeyId = Server.AccessKey,
        SecretAccessKey = Server.SecretKey,
        MultipartThresholdMiB = PartSizeMiB,
        PartSizeMiB = PartSizeMiB,
        Concurrency = Concurrency,
        RequestTimeoutSeconds = 60,
    };

    public static S3StorageProvider Create(S3StorageOptions options) =>
        new(options, new StorageIdentity("test-s3"), NullLogger<S3StorageProvider>.Instance);

    public override IStorageProvider CreateProvider() => Create(Options());

    public override IReadOnlyList<string> Secrets => [Server.SecretKey, "wrong-" + Server.SecretKey[6..]];

    public override IStorageProvider? CreateProviderWithBadCredentials()
    {
        var options = Options();
        options.SecretAccessKey = "wrong-" + options.SecretAccessKey[6..];
        return Create(options);
    }

    public override IStorageProvider? CreateProviderForUnreachableServer()
    {
        var options = Options();
        options.Endpoint = $"http://127.0.0.1:{FreePort.Next()}";
        return Create(options);
    }

    /// <summary>Concurrent part buffers plus one single-PUT buffer's worth of slack for the SDK and the test.</summary>
    public override long MaxBufferedBytes => ((long)PartSizeMiB * Concurrency + 8) << 20;
}
