using System.Security.Cryptography;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CamShare.Storage.S3.Tests;

/// <summary>
/// A multipart upload that fails or is cancelled is aborted, never completed and never left behind. s3rver answers
/// AbortMultipartUpload with 405, so a scripted server records what the provider sends.
/// </summary>
public sealed class S3MultipartAbortTests
{
    private const string Initiated =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
        "<Bucket>cams</Bucket><Key>rec/big.mp4</Key><UploadId>up-1</UploadId></InitiateMultipartUploadResult>";

    private static FakeReply Answer(string method, string path, byte[] body, int failingPart) => method switch
    {
        "POST" when path.EndsWith("?uploads", StringComparison.Ordinal) || path.Contains("?uploads&") || path.Contains("&uploads") =>
            new FakeReply(200, Initiated),
        "PUT" when path.Contains($"partNumber={failingPart}&") || path.EndsWith($"partNumber={failingPart}", StringComparison.Ordinal) =>
            FakeReply.Error(500, "InternalError"),
        "PUT" => new FakeReply(200, Headers: new Dictionary<string, string> { ["ETag"] = $"\"{Convert.ToHexStringLower(MD5.HashData(body))}\"" }),
        "DELETE" => new FakeReply(204),
        _ => FakeReply.Error(400, "InvalidRequest"),
    };

    private static S3StorageProvider ProviderFor(FakeS3Server server) => new(new S3StorageOptions
    {
        Bucket = "cams", Prefix = "rec", Endpoint = server.Endpoint, AccessKeyId = "AKIDFAKE", SecretAccessKey = "fake",
        MultipartThresholdMiB = 5, PartSizeMiB = 5, Concurrency = 1, AbortStaleUploadsAfterHours = 0,
    }, new StorageIdentity("fake"), NullLogger<S3StorageProvider>.Instance);

    [Fact]
    public async Task A_part_that_keeps_failing_aborts_the_upload_and_is_reported_as_transient()
    {
        using var server = new FakeS3Server((m, p, b) => Answer(m, p, b, failingPart: 2));
        using var provider = ProviderFor(server);
        const long length = (11L << 20) + 1;

        var error = await Assert.ThrowsAsync<StorageTransientException>(() => provider.PutAsync("big.mp4",
            UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(new GeneratedStream(length, 301))), null,
            TestContext.Current.CancellationToken));

        Assert.Contains("InternalError", error.Message);
        var log = server.Log;
        Assert.Contains("DELETE /cams/rec/big.mp4?uploadId=up-1", log);
        Assert.DoesNotContain(log, l => l.StartsWith("POST /cams/rec/big.mp4?uploadId=", StringComparison.Ordinal)); // never completed
        Assert.DoesNotContain(log, l => l.Contains("partNumber=3")); // stopped sending after the failure
    }

    [Fact]
    public async Task Cancelling_mid_upload_aborts_it()
    {
        using var server = new FakeS3Server((m, p, b) => Answer(m, p, b, failingPart: 0));
        using var provider = ProviderFor(server);
        const long length = 12L << 20;
        using var content = new GeneratedStream(length, seed: 302, gateAt: 7L << 20);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var put = provider.PutAsync("big.mp4", UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(content)), null, cts.Token);
        await Task.WhenAny(content.ReachedGate, put);
        Assert.False(put.IsCompleted);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => put);

        Assert.Contains("DELETE /cams/rec/big.mp4?uploadId=up-1", server.Log);
        Assert.DoesNotContain(server.Log, l => l.StartsWith("POST /cams/rec/big.mp4?uploadId=", StringComparison.Ordinal));
    }
}
