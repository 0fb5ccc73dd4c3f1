using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace CamShare.Storage.WebDav;

/// <summary>
/// The WebDAV protocol (RFC 4918) on <see cref="HttpClient"/>: PROPFIND, MKCOL, PUT, MOVE, DELETE, GET, with
/// Basic or Digest authentication done here (so streamed bodies are never sent twice for a challenge) and
/// every failure turned into a <see cref="StorageException"/>.
/// </summary>
internal sealed class WebDavClient : IDisposable
{
    private static readonly HttpMethod Propfind = new("PROPFIND");
    private static readonly HttpMethod Mkcol = new("MKCOL");
    private static readonly HttpMethod Move = new("MOVE");

    private readonly HttpClient _http;
    private readonly CertificateTrust _trust;
    private readonly TimeSpan _timeout;
    private readonly string? _username;
    private readonly string? _password;
    private readonly WebDavAuthentication _mode;
    private readonly bool _tls;
    private readonly ILogger _logger;
    private readonly Lock _authLock = new();
    private DigestCredentials? _digest;
    private bool _basic;
    private int _warnedBasicOverHttp;

    public WebDavClient(WebDavStorageOptions options, ILogger logger, HttpMessageHandler? handler = null)
    {
        var baseUrl = new Uri(options.BaseUrl, UriKind.Absolute);
        Paths = new WebDavPaths(baseUrl);
        _tls = baseUrl.Scheme == Uri.UriSchemeHttps;
        _timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        _username = string.IsNullOrEmpty(options.Username) ? null : options.Username;
        _password = options.Password;
        _mode = options.Authentication;
        _logger = logger;
        _trust = CertificateTrust.Create(options);
        _basic = _mode == WebDavAuthentication.Basic && _username is not null;
        handler ??= new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = _timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            Expect100ContinueTimeout = TimeSpan.FromSeconds(2),
            SslOptions = { RemoteCertificateValidationCallback = _trust.Validate },
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("CamShare-WebDav/1.0");
    }

    public WebDavPaths Paths { get; }

    /// <summary>PROPFIND with the given depth (0 or 1); null when the resource does not exist.</summary>
    public Task<List<DavResource>?> PropfindAsync(Uri uri, int depth, CancellationToken cancellationToken) =>
        RunAsync($"PROPFIND {Describe(uri)}", cancellationToken, async timeout =>
        {
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(Propfind, uri)
                {
                    Content = new StringContent(MultiStatus.PropfindBody, Encoding.UTF8, "application/xml"),
                };
                request.Headers.Add("Depth", depth.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return request;
            }, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            if (response.StatusCode != HttpStatusCode.MultiStatus)
                throw WebDavErrors.FromResponse(response, $"PROPFIND {Describe(uri)}");
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            return await MultiStatus.ParseAsync(body, timeout.Token).ConfigureAwait(false);
        });

    /// <summary>MKCOL; returns the status for 201 (created), 405 (exists), 409 (parent missing) and 403 (refused,
    /// or lost a race: Apache answers 403 when another request created the folder a moment earlier).</summary>
    public Task<HttpStatusCode> MkcolAsync(Uri uri, CancellationToken cancellationToken) =>
        RunAsync($"MKCOL {Describe(uri)}", cancellationToken, async timeout =>
        {
            using var response = await SendAsync(() => new HttpRequestMessage(Mkcol, uri),
                HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            return response.StatusCode switch
            {
                HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.NoContent => HttpStatusCode.Created,
                HttpStatusCode.MethodNotAllowed or HttpStatusCode.MovedPermanently => HttpStatusCode.MethodNotAllowed,
                HttpStatusCode.Conflict => HttpStatusCode.Conflict,
                HttpStatusCode.Forbidden => HttpStatusCode.Forbidden,
                _ => throw WebDavErrors.FromResponse(response, $"MKCOL {Describe(uri)}"),
            };
        });

    /// <summary>PUT streaming <paramref name="source"/>; false when the parent collection is missing (409/404).</summary>
    public Task<bool> PutAsync(Uri uri, UploadSource source, IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken) =>
        RunAsync($"PUT {Describe(uri)}", cancellationToken, async timeout =>
        {
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, uri)
                {
                    Content = new UploadContent(source, progress, timeout, _timeout, cancellationToken),
                };
                // The server can refuse (401, 409, 413, 507) before a single byte of the body is sent.
                request.Headers.ExpectContinue = true;
                return request;
            }, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            return response.StatusCode switch
            {
                HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.OK => true,
                HttpStatusCode.Conflict or HttpStatusCode.NotFound => false,
                _ => throw WebDavErrors.FromResponse(response, $"PUT {Describe(uri)}"),
            };
        });

    /// <summary>MOVE with Overwrite: T (or F).</summary>
    public Task MoveAsync(Uri from, Uri to, bool overwrite, CancellationToken cancellationToken) =>
        RunAsync($"MOVE {Describe(from)} to {Describe(to)}", cancellationToken, async timeout =>
        {
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(Move, from);
                request.Headers.Add("Destination", to.AbsoluteUri);
                request.Headers.Add("Overwrite", overwrite ? "T" : "F");
                return request;
            }, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.OK))
                throw WebDavErrors.FromResponse(response, $"MOVE {Describe(from)} to {Describe(to)}");
            return true;
        });

    /// <summary>DELETE; false when there was nothing to delete (404).</summary>
    public Task<bool> DeleteAsync(Uri uri, CancellationToken cancellationToken) =>
        RunAsync($"DELETE {Describe(uri)}", cancellationToken, async timeout =>
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, uri),
                HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone) return false;
            if (!response.IsSuccessStatusCode) throw WebDavErrors.FromResponse(response, $"DELETE {Describe(uri)}");
            return true;
        });

    /// <summary>GET as a stream; the caller disposes it (which releases the connection).</summary>
    public Task<Stream> GetAsync(Uri uri, CancellationToken cancellationToken) =>
        RunAsync($"GET {Describe(uri)}", cancellationToken, async timeout =>
        {
            var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri),
                HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            try
            {
                if (response.StatusCode != HttpStatusCode.OK) throw WebDavErrors.FromResponse(response, $"GET {Describe(uri)}");
                var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
                return (Stream)new ResponseStream(body, response);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        });

    /// <summary>Sends a request (made fresh for each attempt), answering authentication challenges.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = create();
            var sent = Authorize(request);
            var response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized || attempt >= 2 || !OnChallenge(response, sent))
                return response;
            response.Dispose();
        }
    }

    private object? Authorize(HttpRequestMessage request)
    {
        DigestCredentials? digest;
        bool basic;
        lock (_authLock)
        {
            digest = _digest;
            basic = _basic;
        }
        if (digest is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization",
                digest.Authorize(request.Method.Method, request.RequestUri!.PathAndQuery));
            return digest;
        }
        if (basic)
        {
            if (!_tls && Interlocked.Exchange(ref _warnedBasicOverHttp, 1) == 0)
                _logger.LogWarning("WebDAV: sending the password with Basic authentication over plain http to {Host}; " +
                                   "use https unless the network is trusted", request.RequestUri!.Authority);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_username}:{_password}")));
            return "basic";
        }
        return null;
    }

    /// <summary>Learns from a 401; true when a retry with the new credentials makes sense.</summary>
    private bool OnChallenge(HttpResponseMessage response, object? sent)
    {
        if (_username is null || _password is null) return false;
        var challenges = response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values)
            ? AuthChallenge.ParseAll(values)
            : [];
        lock (_authLock)
        {
            if (_mode != WebDavAuthentication.Basic)
            {
                var digest = challenges.Where(DigestCredentials.IsSupported).MaxBy(DigestCredentials.Preference);
                if (digest is not null)
                {
                    var stale = string.Equals(digest["stale"], "true", StringComparison.OrdinalIgnoreCase);
                    if (sent is DigestCredentials used && used.Nonce == digest["nonce"] && !stale)
                        return false; // same nonce, not stale: the credentials are wrong
                    if (_digest is null || _digest.Nonce != digest["nonce"])
                        _digest = DigestCredentials.From(digest, _username, _password);
                    _basic = false;
                    return true;
                }
            }
            if (_mode != WebDavAuthentication.Digest && challenges.Any(c => c.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)))
            {
                if (sent is "basic") return false;
                _basic = true;
                _digest = null;
                return true;
            }
        }
        if (challenges.Count == 0) return false; // a bare 401: reported as an authentication error
        var offered = string.Join(", ", challenges.Select(c => c.Scheme).Distinct(StringComparer.OrdinalIgnoreCase));
        throw new StorageConfigurationException(
            $"The server offers authentication '{offered}', which does not fit authentication={_mode.ToString().ToLowerInvariant()}.");
    }

    private async Task<T> RunAsync<T>(string operation, CancellationToken cancellationToken,
        Func<CancellationTokenSource, Task<T>> action)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            return await action(timeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var mapped = WebDavErrors.FromException(ex, operation, _timeout, _trust.LastRejection, cancellationToken);
            if (ReferenceEquals(mapped, ex)) throw;
            throw mapped;
        }
    }

    /// <summary>The path for messages (no scheme, host or credentials), decoded for people.</summary>
    private static string Describe(Uri uri) => WebDavPaths.Decode(uri.AbsolutePath);

    public void Dispose() => _http.Dispose();

    /// <summary>A response body that also disposes its response.</summary>
    private sealed class ResponseStream(Stream inner, HttpResponseMessage response) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.Content.Headers.ContentLength ?? throw new NotSupportedException();
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
