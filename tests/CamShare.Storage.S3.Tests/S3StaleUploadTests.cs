using CamShare.Abstractions;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CamShare.Storage.S3.Tests;

/// <summary>
/// Unfinished multipart uploads (a crash mid-upload) are reported by diagnostics and aborted once stale.
/// s3rver implements neither ListMultipartUploads nor AbortMultipartUpload, so a scripted server plays S3 here.
/// </summary>
public sealed class S3StaleUploadTests
{
    private static readonly string Now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    // The recent upload is listed first so that, once the old one's abort arrives, the recent one was already skipped.
    private static readonly string Uploads =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
        "<Bucket>cams</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>" +
        $"<Upload><Key>rec/porch/recent.mp4</Key><UploadId>recent-id</UploadId><Initiated>{Now}</Initiated></Upload>" +
        "<Upload><Key>rec/porch/old.mp4</Key><UploadId>old-id</UploadId><Initiated>2024-03-23T10:20:00.000Z</Initiated></Upload>" +
        "</ListMultipartUploadsResult>";

    private const string EmptyListing =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
        "<Name>cams</Name><Prefix>rec/</Prefix><KeyCount>0</KeyCount><MaxKeys>1</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>";

    private static FakeReply Answer(string method, string path, byte[] body) => (method, path) switch
    {
        ("GET", _) when path.Contains("uploads") => new FakeReply(200, Uploads),
        ("GET", _) when path.Contains("list-type=2") => new FakeReply(200, EmptyListing),
        ("DELETE", _) => new FakeReply(204),
        ("PUT", _) => new FakeReply(200, Headers: new Dictionary<string, string>
            { ["ETag"] = $"\"{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(body))}\"" }),
        ("HEAD", _) => new FakeReply(200, Headers: new Dictionary<string, string> { ["Content-Length"] = "3" }),
        _ => FakeReply.Error(400, "InvalidRequest"),
    };

    private static S3StorageProvider ProviderFor(FakeS3Server server, int abortAfterHours) => new(new S3StorageOptions
    {
        Bucket = "cams", Prefix = "rec", Endpoint = server.Endpoint, AccessKeyId = "AKIDFAKE", SecretAccessKey = "fake",
        AbortStaleUploadsAfterHours = abortAfterHours,
    }, new StorageIdentity("fake"), NullLogger<S3StorageProvider>.Instance);

    [Fact]
    public async Task Diagnostics_report_stale_uploads_under_the_prefix()
    {
        using var server = new FakeS3Server(Answer);
        using var provider = ProviderFor(server, abortAfterHours: 24);

        var results = await provider.DiagnoseAsync(TestContext.Current.CancellationToken);

        var stale = Assert.Single(results, r => r.Name == "s3 stale multipart uploads");
        Assert.False(stale.Ok);
        Assert.Contains("1 unfinished multipart upload(s) under 'rec/'", stale.Detail);
        Assert.Contains("2024-03-23 10:20:00Z", stale.Detail);
        Assert.Contains(server.Log, l => l.StartsWith("GET /cams/?uploads", StringComparison.Ordinal) && l.Contains("prefix=rec%2F"));
    }

    [Fact]
    public async Task The_first_upload_aborts_stale_uploads_and_leaves_recent_ones_alone()
    {
        using var server = new FakeS3Server(Answer);
        using var provider = ProviderFor(server, abortAfterHours: 24);

        await provider.PutAsync("porch/new.mp4", UploadSource.FromStream(3, _ => ValueTask.FromResult<Stream>(new MemoryStream([1, 2, 3]))),
            null, TestContext.Current.CancellationToken);
        await server.WaitForRequestAsync(l => l.StartsWith("DELETE ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        var deletes = server.Log.Where(l => l.StartsWith("DELETE ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["DELETE /cams/rec/porch/old.mp4?uploadId=old-id"], deletes);
    }

    [Fact]
    public async Task With_the_cleanup_off_nothing_is_listed_or_aborted()
    {
        using var server = new FakeS3Server(Answer);
        using var provider = ProviderFor(server, abortAfterHours: 0);
        await provider.PutAsync("porch/new.mp4", UploadSource.FromStream(3, _ => ValueTask.FromResult<Stream>(new MemoryStream([1, 2, 3]))),
            null, TestContext.Current.CancellationToken);
        Assert.Equal(["PUT /cams/rec/porch/new.mp4", "HEAD /cams/rec/porch/new.mp4"], server.Log);
    }
}
