using System.Net;
using System.Text;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CamShare.Storage.WebDav.Tests.Unit;

/// <summary>Statuses a test server cannot easily produce (507, 503 with Retry-After, redirects), through a stub handler.</summary>
public sealed class ErrorMappingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WebDavStorageProvider Provider(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond, int timeoutSeconds = 30) =>
        new(new WebDavStorageOptions
        {
            BaseUrl = "https://dav.example/files/",
            Username = "u",
            Password = "secret-pw",
            TimeoutSeconds = timeoutSeconds,
        }, new StorageIdentity("stub"), NullLogger.Instance, new StubHandler(respond));

    private static UploadSource Bytes(int n) => UploadSource.FromStream(n, _ => ValueTask.FromResult<Stream>(new MemoryStream(new byte[n])));

    private static HttpResponseMessage Status(int code) => new((HttpStatusCode)code) { Content = new StringContent("") };

    [Theory]
    [InlineData(401, typeof(StorageAuthenticationException))]
    [InlineData(403, typeof(StorageAuthenticationException))]
    [InlineData(507, typeof(StorageQuotaException))]
    [InlineData(500, typeof(WebDavServerErrorException))]
    [InlineData(502, typeof(WebDavServerErrorException))]
    [InlineData(423, typeof(StorageTransientException))]
    [InlineData(413, typeof(StorageConfigurationException))]
    [InlineData(405, typeof(StorageConfigurationException))]
    [InlineData(400, typeof(StorageConfigurationException))]
    public async Task Put_statuses_map_to_typed_errors(int code, Type expected)
    {
        using var provider = Provider(request => Task.FromResult(request.Method.Method switch
        {
            "MKCOL" => Status(405),
            "PROPFIND" => Status(404),
            _ => Status(code),
        }));
        var error = await Assert.ThrowsAnyAsync<StorageException>(() => provider.PutAsync("a/b.mp4", Bytes(10), null, Ct));
        Assert.IsType(expected, error);
        Assert.DoesNotContain("secret-pw", error.ToString());
    }

    [Fact]
    public async Task Retry_after_is_passed_on()
    {
        using var provider = Provider(_ =>
        {
            var response = Status(503);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(42));
            return Task.FromResult(response);
        });
        var error = await Assert.ThrowsAnyAsync<StorageTransientException>(() => provider.StatAsync("a.mp4", Ct));
        Assert.Equal(TimeSpan.FromSeconds(42), error.RetryAfter);
    }

    [Fact]
    public async Task A_redirect_is_a_configuration_error_that_names_the_target_without_its_query()
    {
        using var provider = Provider(_ =>
        {
            var response = Status(301);
            response.Headers.Location = new Uri("https://dav.example/login?token=abc");
            return Task.FromResult(response);
        });
        var error = await Assert.ThrowsAnyAsync<StorageConfigurationException>(() => provider.StatAsync("a.mp4", Ct));
        Assert.Contains("https://dav.example/login", error.Message);
        Assert.DoesNotContain("token=abc", error.Message);
    }

    [Fact]
    public async Task A_server_that_stops_answering_gives_a_transient_timeout()
    {
        using var provider = Provider(async request =>
        {
            await Task.Delay(Timeout.Infinite, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            return Status(200);
        }, timeoutSeconds: 1);
        var error = await Assert.ThrowsAnyAsync<StorageTransientException>(() => provider.StatAsync("a.mp4", Ct));
        Assert.Contains("timeout", error.Message);
    }

    [Fact]
    public async Task Cancellation_is_not_turned_into_a_storage_error()
    {
        using var cts = new CancellationTokenSource();
        using var provider = Provider(async request =>
        {
            await cts.CancelAsync();
            await Task.Delay(Timeout.Infinite, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            return Status(200);
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.StatAsync("a.mp4", cts.Token));
    }

    [Fact]
    public async Task A_size_mismatch_after_the_move_is_an_integrity_error()
    {
        using var provider = Provider(request => Task.FromResult(request.Method.Method switch
        {
            "MKCOL" => Status(201),
            "PUT" or "MOVE" => Status(201),
            "PROPFIND" => MultiStatus(request.RequestUri!.AbsolutePath, 9),
            _ => Status(204),
        }));
        var error = await Assert.ThrowsAnyAsync<StorageIntegrityException>(() => provider.PutAsync("a/b.mp4", Bytes(10), null, Ct));
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public async Task Requests_carry_encoded_paths_move_headers_and_no_credentials_before_a_challenge()
    {
        var seen = new List<string>();
        using var provider = Provider(request =>
        {
            lock (seen)
                seen.Add($"{request.Method} {request.RequestUri!.PathAndQuery} auth={request.Headers.Authorization?.Scheme ?? "-"}" +
                         (request.Headers.TryGetValues("Destination", out var d) ? $" dest={d.Single()} overwrite={request.Headers.GetValues("Overwrite").Single()}" : ""));
            if (request.Headers.Authorization is null)
            {
                var challenge = Status(401);
                challenge.Headers.WwwAuthenticate.ParseAdd("Basic realm=\"dav\"");
                return Task.FromResult(challenge);
            }
            return Task.FromResult(request.Method.Method switch
            {
                "MKCOL" => Status(201),
                "PUT" or "MOVE" => Status(201),
                "PROPFIND" => MultiStatus(request.RequestUri!.AbsolutePath, 10),
                _ => Status(204),
            });
        });
        var stored = await provider.PutAsync("a b/c+d.mp4", Bytes(10), null, Ct);
        Assert.Equal(10, stored.Size);
        Assert.Equal("MKCOL /files/a%20b/ auth=-", seen[0]);
        Assert.Equal("MKCOL /files/a%20b/ auth=Basic", seen[1]);
        Assert.StartsWith("PUT /files/a%20b/.camshare-tmp-", seen[2]);
        Assert.EndsWith("-c%2Bd.mp4", seen[2].Split(' ')[1]);
        Assert.StartsWith("MOVE /files/a%20b/.camshare-tmp-", seen[3]);
        Assert.EndsWith("dest=https://dav.example/files/a%20b/c%2Bd.mp4 overwrite=T", seen[3]);
        Assert.Equal("PROPFIND /files/a%20b/c%2Bd.mp4 auth=Basic", seen[4]);
        Assert.Equal(5, seen.Count);
    }

    [Fact]
    public async Task Checksums_the_server_reports_after_the_move_are_returned()
    {
        using var provider = Provider(request => Task.FromResult(request.Method.Method switch
        {
            "MKCOL" => Status(405),
            "PUT" or "MOVE" => Status(201),
            "PROPFIND" => new HttpResponseMessage(HttpStatusCode.MultiStatus)
            {
                Content = new StringContent($"""
                    <d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:response>
                    <d:href>{request.RequestUri!.AbsoluteUri}</d:href><d:propstat><d:prop><d:resourcetype/>
                    <d:getcontentlength>10</d:getcontentlength><d:getlastmodified>Sat, 23 Mar 2024 10:25:03 GMT</d:getlastmodified>
                    <oc:checksums><oc:checksum>SHA1:a9993e364706816aba3e25717850c26c9cd0d89d MD5:900150983cd24fb0d6963f7d28e17f72</oc:checksum></oc:checksums>
                    </d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>
                    """, Encoding.UTF8, "application/xml"),
            },
            _ => Status(204),
        }));
        var stored = await provider.PutAsync("cam/a.mp4", Bytes(10), null, Ct);
        Assert.Equal("cam/a.mp4", stored.Key);
        Assert.Equal(10, stored.Size);
        Assert.Equal(new DateTimeOffset(2024, 3, 23, 10, 25, 3, TimeSpan.Zero), stored.LastModified);
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", stored.FindChecksum(ChecksumAlgorithms.Md5)?.Hex);
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", stored.FindChecksum(ChecksumAlgorithms.Sha1)?.Hex);
    }

    private static HttpResponseMessage MultiStatus(string path, long length) => new(HttpStatusCode.MultiStatus)
    {
        Content = new StringContent($"""
            <d:multistatus xmlns:d="DAV:"><d:response><d:href>{path}</d:href><d:propstat><d:prop>
            <d:resourcetype/><d:getcontentlength>{length}</d:getcontentlength></d:prop>
            <d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>
            """, Encoding.UTF8, "application/xml"),
    };

    private sealed class StubHandler(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null) await request.Content.CopyToAsync(Stream.Null, cancellationToken);
            return await respond(request).WaitAsync(cancellationToken);
        }
    }
}
