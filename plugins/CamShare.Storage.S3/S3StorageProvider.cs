using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace CamShare.Storage.S3;

/// <summary>
/// Stores objects in an S3 bucket under an optional key prefix. PUT and CompleteMultipartUpload are atomic, so a
/// reader sees the old object or the complete new one. Every put is verified: Content-MD5 on every request, the
/// ETag compared with the MD5 of the bytes sent where the ETag is one, and the size read back with HEAD.
/// </summary>
public sealed class S3StorageProvider : IStorageProvider, IShareLinkCapability, IStorageDiagnostics, IDisposable, IAsyncDisposable
{
    /// <summary>SigV4 presigned URLs are valid for at most seven days.</summary>
    public static readonly TimeSpan MaxShareLinkValidity = TimeSpan.FromDays(7);

    private readonly S3StorageOptions _options;
    private readonly StorageIdentity _storage;
    private readonly ILogger _logger;
    private readonly IAmazonS3 _client;
    private readonly S3Uploader _uploader;
    private readonly S3StaleUploads _staleUploads;
    private readonly string _prefix;
    private int _staleCleanupStarted;

    public S3StorageProvider(S3StorageOptions options, StorageIdentity storage, ILogger<S3StorageProvider> logger)
        : this(options, storage, logger, null)
    {
    }

    internal S3StorageProvider(S3StorageOptions options, StorageIdentity storage, ILogger logger, IAmazonS3? client)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _storage = storage;
        _logger = logger;
        _prefix = options.NormalizedPrefix;
        _client = client ?? S3ClientFactory.Create(options);
        _uploader = new S3Uploader(_client, options, logger);
        _staleUploads = new S3StaleUploads(_client, options, _uploader, logger);
    }

    /// <summary>The S3 key of a CamShare key (the configured prefix prepended).</summary>
    internal string ObjectKeyOf(string key)
    {
        StorageKeys.EnsureValid(key);
        return _prefix + key;
    }

    public async Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        var objectKey = ObjectKeyOf(key);
        ArgumentNullException.ThrowIfNull(source);
        StartStaleCleanupOnce();
        var what = $"uploading '{key}' to bucket '{_options.Bucket}'";
        try
        {
            var sent = await _uploader.UploadAsync(objectKey, key, source, progress, cancellationToken).ConfigureAwait(false);
            var head = await _client.GetObjectMetadataAsync(_options.Bucket, objectKey, cancellationToken).ConfigureAwait(false);
            if (head.ContentLength != source.Length)
                throw new StorageIntegrityException(
                    $"{what}: the server holds {head.ContentLength} bytes after the upload, {source.Length} were sent.");
            // Report MD5 only when the server's own ETag is a plain MD5 and equals what we sent: single-part ETags are
            // (without SSE-KMS); multipart ETags on AWS are "md5-of-md5s-N" and are then simply not reported.
            var etag = S3Uploader.Unquote(head.ETag);
            IReadOnlyList<ObjectChecksum> checksums =
                _uploader.EtagIsMd5 && S3Uploader.IsPlainMd5(etag) && string.Equals(etag, sent.Md5Hex, StringComparison.OrdinalIgnoreCase)
                    ? [ObjectChecksum.Of(ChecksumAlgorithms.Md5, etag)]
                    : [];
            _logger.LogDebug("Stored {Key} ({Length} bytes, {Parts} parts, etag {ETag}) in {Storage}", objectKey,
                source.Length, sent.Parts, etag, _storage.Name);
            progress?.Report(new TransferProgress(source.Length, source.Length));
            return new StoredObject(key, head.ContentLength, ToOffset(head.LastModified), checksums);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw S3ErrorMapper.Map(ex, what, _options.Bucket);
        }
    }

    public async Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKeyOf(key);
        try
        {
            var head = await _client.GetObjectMetadataAsync(_options.Bucket, objectKey, cancellationToken).ConfigureAwait(false);
            return new StoredObject(key, head.ContentLength, ToOffset(head.LastModified));
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw S3ErrorMapper.Map(ex, $"reading the details of '{key}'", _options.Bucket);
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKeyOf(key);
        try
        {
            var response = await _client.GetObjectAsync(_options.Bucket, objectKey, cancellationToken).ConfigureAwait(false);
            return new S3ReadStream(response);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw S3ErrorMapper.Map(ex, $"downloading '{key}'", _options.Bucket);
        }
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValidPrefix(prefix);
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _prefix + prefix, MaxKeys = 1000 };
        while (true)
        {
            var page = await ListPageAsync(request, prefix, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                // "Folder" marker objects made by consoles and other tools are not recordings.
                if (item.Key.EndsWith('/') || !item.Key.StartsWith(_prefix, StringComparison.Ordinal)) continue;
                yield return new StoredObject(item.Key[_prefix.Length..], item.Size ?? 0, ToOffset(item.LastModified));
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken)) yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private async Task<ListObjectsV2Response> ListPageAsync(ListObjectsV2Request request, string prefix,
        CancellationToken cancellationToken)
    {
        try
        {
            return await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw S3ErrorMapper.Map(ex, $"listing '{prefix}' in bucket '{_options.Bucket}'", _options.Bucket);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKeyOf(key);
        try
        {
            await _client.DeleteObjectAsync(_options.Bucket, objectKey, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchKey")
        {
            // Deleting a missing object succeeds (S3 itself answers 204; some compatible stores say 404).
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw S3ErrorMapper.Map(ex, $"deleting '{key}'", _options.Bucket);
        }
    }

    public async Task<Uri> CreateShareLinkAsync(string key, TimeSpan validFor, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKeyOf(key);
        if (validFor <= TimeSpan.Zero || validFor > MaxShareLinkValidity)
            throw new ArgumentOutOfRangeException(nameof(validFor), validFor,
                "S3 share links (presigned URLs) can be valid for up to 7 days.");
        await StatAsync(key, cancellationToken).ConfigureAwait(false); // a link to nothing is a not-found error
        try
        {
            var url = await _client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
            {
                BucketName = _options.Bucket,
                Key = objectKey,
                Verb = HttpVerb.GET,
                Expires = DateTime.UtcNow + validFor,
                Protocol = _options.UsesCustomEndpoint && new Uri(_options.Endpoint.Trim()).Scheme == Uri.UriSchemeHttp
                    ? Protocol.HTTP : Protocol.HTTPS,
            }).ConfigureAwait(false);
            return new Uri(url);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw S3ErrorMapper.Map(ex, $"creating a share link for '{key}'", _options.Bucket);
        }
    }

    public async Task<IReadOnlyList<DiagnosticResult>> DiagnoseAsync(CancellationToken cancellationToken)
    {
        var where = _options.UsesCustomEndpoint ? _options.Endpoint.Trim() : $"AWS {_options.EffectiveRegion}";
        var results = new List<DiagnosticResult>
        {
            new("s3 settings", true,
                $"bucket '{_options.Bucket}' at {where}, prefix '{_prefix}', " +
                $"{(_options.EffectivePathStyle ? "path-style" : "virtual-host")} addressing, " +
                $"{(string.IsNullOrWhiteSpace(_options.AccessKeyId) ? (string.IsNullOrWhiteSpace(_options.Profile) ? "default AWS credential chain" : $"profile '{_options.Profile}'") : $"access key {_options.AccessKeyId}")}, " +
                $"multipart above {_options.MultipartThresholdMiB} MiB in {_options.PartSizeMiB} MiB parts x{_options.Concurrency}, " +
                $"flexible checksums {(_options.FlexibleChecksums ? "on" : "off")}"),
        };
        try
        {
            await _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _options.Bucket, Prefix = _prefix, MaxKeys = 1,
            }, cancellationToken).ConfigureAwait(false);
            results.Add(new("s3 bucket access", true, $"listing bucket '{_options.Bucket}' under '{_prefix}' works"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = S3ErrorMapper.Map(ex, "listing the bucket", _options.Bucket);
            results.Add(new("s3 bucket access", false, error.Message));
            return results;
        }
        results.Add(await _staleUploads.DiagnoseAsync(cancellationToken).ConfigureAwait(false));
        return results;
    }

    private void StartStaleCleanupOnce()
    {
        if (_options.AbortStaleUploadsAfterHours <= 0 || Interlocked.Exchange(ref _staleCleanupStarted, 1) != 0) return;
        _ = Task.Run(() => _staleUploads.AbortStaleAsync(TimeSpan.FromHours(_options.AbortStaleUploadsAfterHours), CancellationToken.None));
    }

    private static DateTimeOffset? ToOffset(DateTime? time) => time is { } t
        ? new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime())
        : null;

    public void Dispose() => _client.Dispose();

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
