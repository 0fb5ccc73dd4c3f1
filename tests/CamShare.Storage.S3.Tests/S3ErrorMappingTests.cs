using System.Security.Cryptography;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CamShare.Storage.S3.Tests;

/// <summary>Error classification and verification, against scripted answers no real server gives on request.</summary>
public sealed class S3ErrorMappingTests
{
    private static CancellationToken Timeout(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static S3StorageProvider ProviderFor(FakeS3Server server) => new(new S3StorageOptions
    {
        Bucket = "cams", Endpoint = server.Endpoint, AccessKeyId = "AKIDFAKE", SecretAccessKey = "fake-secret",
        RequestTimeoutSeconds = 30,
        AbortStaleUploadsAfterHours = 0, // no background ListMultipartUploads: the tests count requests
    }, new StorageIdentity("fake"), NullLogger<S3StorageProvider>.Instance);

    private static Task<StoredObject> PutAsync(S3StorageProvider provider, int length = 1000) =>
        provider.PutAsync("cam/a.mp4", UploadSource.FromStream(length,
            _ => ValueTask.FromResult<Stream>(new MemoryStream(new byte[length]))), null, Timeout());

    [Fact]
    public async Task SlowDown_is_transient_and_carries_the_servers_retry_after()
    {
        using var server = new FakeS3Server((_, _, _) =>
            FakeReply.Error(503, "SlowDown", new Dictionary<string, string> { ["Retry-After"] = "7" }));
        using var provider = ProviderFor(server);

        var error = await Assert.ThrowsAsync<StorageTransientException>(() => PutAsync(provider));

        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Contains("SlowDown", error.Message);
        Assert.Equal(3, server.Requests); // the SDK's own bounded retries (2), then the host decides
    }

    [Theory]
    [InlineData(500, "InternalError")]
    [InlineData(502, "BadGateway")]
    public async Task Server_errors_are_transient(int status, string code)
    {
        using var server = new FakeS3Server((_, _, _) => FakeReply.Error(status, code));
        using var provider = ProviderFor(server);
        var error = await Assert.ThrowsAsync<StorageTransientException>(() => PutAsync(provider));
        Assert.True(error.IsRetryable);
        Assert.Null(error.RetryAfter);
    }

    [Theory]
    [InlineData("InvalidAccessKeyId")]
    [InlineData("SignatureDoesNotMatch")]
    [InlineData("AccessDenied")]
    public async Task Refused_credentials_are_an_authentication_error_sent_once(string code)
    {
        using var server = new FakeS3Server((_, _, _) => FakeReply.Error(403, code));
        using var provider = ProviderFor(server);
        var error = await Assert.ThrowsAsync<StorageAuthenticationException>(() => PutAsync(provider));
        Assert.Contains(code, error.Message);
        Assert.DoesNotContain("fake-secret", error.Message);
        Assert.Equal(1, server.Requests); // no retry storm
    }

    [Fact]
    public async Task A_full_store_is_a_quota_error()
    {
        using var server = new FakeS3Server((_, _, _) => FakeReply.Error(507, "XMinioStorageFull"));
        using var provider = ProviderFor(server);
        await Assert.ThrowsAsync<StorageQuotaException>(() => PutAsync(provider));
    }

    [Fact]
    public async Task An_etag_that_is_not_the_md5_of_the_bytes_sent_is_an_integrity_error()
    {
        using var server = new FakeS3Server((method, _, _) => method == "PUT"
            ? new FakeReply(200, Headers: new Dictionary<string, string> { ["ETag"] = "\"0123456789abcdef0123456789abcdef\"" })
            : new FakeReply(200, Headers: new Dictionary<string, string> { ["Content-Length"] = "1000" }));
        using var provider = ProviderFor(server);
        var error = await Assert.ThrowsAsync<StorageIntegrityException>(() => PutAsync(provider));
        Assert.Contains("0123456789abcdef0123456789abcdef", error.Message);
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public async Task A_size_read_back_that_differs_from_the_bytes_sent_is_an_integrity_error()
    {
        using var server = new FakeS3Server((method, _, body) => method == "PUT"
            ? new FakeReply(200, Headers: new Dictionary<string, string> { ["ETag"] = $"\"{Convert.ToHexStringLower(MD5.HashData(body))}\"" })
            : new FakeReply(200, Headers: new Dictionary<string, string>
            {
                ["Content-Length"] = "999", ["ETag"] = "\"x\"", ["Last-Modified"] = "Sat, 23 Mar 2024 10:20:00 GMT",
            }));
        using var provider = ProviderFor(server);
        var error = await Assert.ThrowsAsync<StorageIntegrityException>(() => PutAsync(provider));
        Assert.Contains("999", error.Message);
    }

    [Fact]
    public async Task A_source_shorter_than_its_declared_length_is_refused_and_not_stored()
    {
        using var server = new FakeS3Server((_, _, _) => new FakeReply(200));
        using var provider = ProviderFor(server);
        var error = await Assert.ThrowsAsync<StorageIntegrityException>(() => provider.PutAsync("cam/a.mp4",
            UploadSource.FromStream(1000, _ => ValueTask.FromResult<Stream>(new MemoryStream(new byte[999]))), null, Timeout()));
        Assert.Contains("999 of its 1000 bytes", error.Message);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task Deleting_where_the_server_says_NoSuchKey_succeeds()
    {
        using var server = new FakeS3Server((_, _, _) => FakeReply.Error(404, "NoSuchKey"));
        using var provider = ProviderFor(server);
        await provider.DeleteAsync("cam/gone.mp4", Timeout());
        await Assert.ThrowsAsync<StorageNotFoundException>(() => provider.StatAsync("cam/gone.mp4", Timeout()));
    }
}
