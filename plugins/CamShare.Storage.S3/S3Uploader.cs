using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace CamShare.Storage.S3;

/// <summary>What an upload sent and what the server answered, for verification.</summary>
/// <param name="Md5Hex">MD5 of every byte sent, computed while reading the source.</param>
/// <param name="ETag">The ETag of the PUT or CompleteMultipartUpload answer, without quotes.</param>
/// <param name="Parts">Number of parts (0 for a single PUT).</param>
internal sealed record UploadResult(string Md5Hex, string ETag, int Parts);

/// <summary>
/// Sends one object: a single PUT with Content-MD5 up to the multipart threshold, otherwise a multipart upload
/// whose parts are read sequentially from the source into at most <c>concurrency</c> part buffers and sent
/// concurrently, each with its own Content-MD5. Memory is bounded by max(threshold, partSize x concurrency)
/// whatever the file size. A failed or cancelled multipart upload is aborted.
/// </summary>
internal sealed class S3Uploader(IAmazonS3 client, S3StorageOptions options, ILogger logger)
{
    private const int MaxParts = 10_000;

    /// <summary>Whether the server's ETag of a part or single PUT is the MD5 of its bytes (not with SSE-KMS).</summary>
    internal bool EtagIsMd5 => options.ServerSideEncryption is not ("aws:kms" or "aws:kms:dsse");

    public long ThresholdBytes => (long)options.MultipartThresholdMiB << 20;

    public Task<UploadResult> UploadAsync(string objectKey, string key, UploadSource source,
        IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var tracker = new ProgressTracker(source.Length, progress);
        return source.Length <= ThresholdBytes
            ? PutSingleAsync(objectKey, key, source, tracker, cancellationToken)
            : PutMultipartAsync(objectKey, key, source, tracker, cancellationToken);
    }

    private async Task<UploadResult> PutSingleAsync(string objectKey, string key, UploadSource source,
        ProgressTracker tracker, CancellationToken cancellationToken)
    {
        // Content-MD5 is a header, so the bytes are read (at most the threshold) before the request starts.
        var length = checked((int)source.Length);
        var buffer = new byte[length];
        await using (var stream = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await ReadExactlyAsync(stream, buffer, source.Length, 0, cancellationToken).ConfigureAwait(false);
            await EnsureEndAsync(stream, source.Length, cancellationToken).ConfigureAwait(false);
        }
        var md5 = MD5.HashData(buffer);
        var request = new PutObjectRequest
        {
            BucketName = options.Bucket,
            Key = objectKey,
            InputStream = new MemoryStream(buffer, 0, length, writable: false, publiclyVisible: true),
            AutoCloseStream = true,
            MD5Digest = Convert.ToBase64String(md5),
            ContentType = ContentTypeOf(key),
            UseChunkEncoding = options.FlexibleChecksums,
        };
        if (!string.IsNullOrWhiteSpace(options.StorageClass)) request.StorageClass = new S3StorageClass(options.StorageClass);
        if (!string.IsNullOrWhiteSpace(options.ServerSideEncryption))
        {
            request.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(options.ServerSideEncryption);
            if (!string.IsNullOrWhiteSpace(options.KmsKeyId)) request.ServerSideEncryptionKeyManagementServiceKeyId = options.KmsKeyId;
        }
        request.StreamTransferProgress += (_, e) => tracker.Update(1, e.TransferredBytes);
        var response = await client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        tracker.Update(1, length);
        var md5Hex = Convert.ToHexStringLower(md5);
        var etag = Unquote(response.ETag);
        if (EtagIsMd5 && IsPlainMd5(etag) && !string.Equals(etag, md5Hex, StringComparison.OrdinalIgnoreCase))
            throw new StorageIntegrityException(
                $"uploading '{key}': the server's ETag {etag} is not the MD5 {md5Hex} of the {length} bytes sent.");
        return new UploadResult(md5Hex, etag, 0);
    }

    private async Task<UploadResult> PutMultipartAsync(string objectKey, string key, UploadSource source,
        ProgressTracker tracker, CancellationToken cancellationToken)
    {
        var length = source.Length;
        // 10,000 parts at most: a huge file gets bigger parts rather than a failed upload.
        var partSize = Math.Max((long)options.PartSizeMiB << 20, (length + MaxParts - 1) / MaxParts);
        partSize = (partSize + (1 << 20) - 1) & ~((1L << 20) - 1);
        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = options.Bucket,
            Key = objectKey,
            ContentType = ContentTypeOf(key),
        };
        if (!string.IsNullOrWhiteSpace(options.StorageClass)) initiate.StorageClass = new S3StorageClass(options.StorageClass);
        if (!string.IsNullOrWhiteSpace(options.ServerSideEncryption))
        {
            initiate.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(options.ServerSideEncryption);
            if (!string.IsNullOrWhiteSpace(options.KmsKeyId)) initiate.ServerSideEncryptionKeyManagementServiceKeyId = options.KmsKeyId;
        }
        var uploadId = (await client.InitiateMultipartUploadAsync(initiate, cancellationToken).ConfigureAwait(false)).UploadId;
        logger.LogDebug("Multipart upload of {Key} ({Length} bytes, parts of {PartSize}) started", objectKey, length, partSize);

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(options.Concurrency);
        var buffers = new ConcurrentQueue<byte[]>(); // never more than `concurrency` buffers exist
        var tasks = new List<Task<PartETag>>();
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        Exception? readFailure = null;
        try
        {
            await using var stream = await source.OpenAsync(linked.Token).ConfigureAwait(false);
            long offset = 0;
            var number = 0;
            while (offset < length)
            {
                await slots.WaitAsync(linked.Token).ConfigureAwait(false);
                var size = (int)Math.Min(partSize, length - offset);
                if (!buffers.TryDequeue(out var buffer)) buffer = new byte[partSize];
                try
                {
                    await ReadExactlyAsync(stream, buffer.AsMemory(0, size), length, offset, linked.Token).ConfigureAwait(false);
                }
                catch
                {
                    slots.Release();
                    throw;
                }
                whole.AppendData(buffer, 0, size);
                offset += size;
                tasks.Add(SendPartAsync(++number, buffer, size));
            }
            await EnsureEndAsync(stream, length, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            readFailure = ex;
            await linked.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch
        {
            // Inspected below: the first real failure wins over the cancellations it caused.
        }
        var partFailure = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
            .FirstOrDefault(e => e is not OperationCanceledException);
        var failure = cancellationToken.IsCancellationRequested ? null : partFailure ?? readFailure;
        if (failure is null && readFailure is null && tasks.Any(t => !t.IsCompletedSuccessfully))
            failure = new OperationCanceledException(cancellationToken);
        if (cancellationToken.IsCancellationRequested || failure is not null)
        {
            await AbortAsync(objectKey, uploadId).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            ExceptionDispatchInfo.Capture(failure!).Throw();
        }

        try
        {
            var parts = tasks.Select(t => t.Result).OrderBy(p => p.PartNumber).ToList();
            var complete = await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = options.Bucket,
                Key = objectKey,
                UploadId = uploadId,
                PartETags = parts,
            }, cancellationToken).ConfigureAwait(false);
            tracker.Complete();
            return new UploadResult(Convert.ToHexStringLower(whole.GetHashAndReset()), Unquote(complete.ETag), parts.Count);
        }
        catch
        {
            await AbortAsync(objectKey, uploadId).ConfigureAwait(false);
            throw;
        }

        async Task<PartETag> SendPartAsync(int number, byte[] buffer, int size)
        {
            try
            {
                var md5 = MD5.HashData(buffer.AsSpan(0, size));
                var request = new UploadPartRequest
                {
                    BucketName = options.Bucket,
                    Key = objectKey,
                    UploadId = uploadId,
                    PartNumber = number,
                    PartSize = size,
                    InputStream = new MemoryStream(buffer, 0, size, writable: false, publiclyVisible: true),
                    MD5Digest = Convert.ToBase64String(md5),
                    UseChunkEncoding = options.FlexibleChecksums,
                };
                request.StreamTransferProgress += (_, e) => tracker.Update(number, e.TransferredBytes);
                var response = await client.UploadPartAsync(request, linked.Token).ConfigureAwait(false);
                var etag = Unquote(response.ETag);
                var md5Hex = Convert.ToHexStringLower(md5);
                if (EtagIsMd5 && IsPlainMd5(etag) && !string.Equals(etag, md5Hex, StringComparison.OrdinalIgnoreCase))
                    throw new StorageIntegrityException(
                        $"uploading '{key}': part {number}'s ETag {etag} is not the MD5 {md5Hex} of the {size} bytes sent.");
                tracker.Update(number, size);
                return new PartETag(number, response.ETag);
            }
            catch
            {
                await linked.CancelAsync().ConfigureAwait(false); // stop reading and sending further parts
                throw;
            }
            finally
            {
                buffers.Enqueue(buffer);
                slots.Release();
            }
        }
    }

    /// <summary>Aborts an unfinished multipart upload; never throws (servers without abort get a warning).</summary>
    internal async Task AbortAsync(string objectKey, string uploadId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
            {
                BucketName = options.Bucket,
                Key = objectKey,
                UploadId = uploadId,
            }, timeout.Token).ConfigureAwait(false);
            logger.LogDebug("Aborted multipart upload {UploadId} of {Key}", uploadId, objectKey);
        }
        catch (AmazonS3Exception ex) when ((int)ex.StatusCode is 405 or 501 || ex.ErrorCode is "NotImplemented" or "MethodNotAllowed")
        {
            logger.LogWarning("The S3 server does not implement AbortMultipartUpload ({Code}): the parts of upload {UploadId} " +
                              "of {Key} stay on the server until it cleans them up", ex.ErrorCode, uploadId, objectKey);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "NoSuchUpload")
        {
            // Already completed or aborted.
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not abort multipart upload {UploadId} of {Key} ({Error}); it will be aborted later " +
                              "as a stale upload", uploadId, objectKey, ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static async Task ReadExactlyAsync(Stream stream, Memory<byte> buffer, long total, long offset,
        CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer[filled..], cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new StorageTransientException($"reading the content to upload failed: {ex.Message}", ex);
            }
            if (read == 0)
                throw new StorageIntegrityException(
                    $"the content to upload ended after {offset + filled} of its {total} bytes (it changed while being uploaded?)");
            filled += read;
        }
    }

    private static async Task EnsureEndAsync(Stream stream, long total, CancellationToken cancellationToken)
    {
        var probe = new byte[1];
        if (await stream.ReadAsync(probe, cancellationToken).ConfigureAwait(false) != 0)
            throw new StorageIntegrityException(
                $"the content to upload is longer than its declared {total} bytes (it changed while being uploaded?)");
    }

    internal static string Unquote(string? etag) => (etag ?? "").Trim().Trim('"');

    internal static bool IsPlainMd5(string etag) => etag.Length == 32 && etag.All(char.IsAsciiHexDigit);

    private static string ContentTypeOf(string key) => Path.GetExtension(key).ToLowerInvariant() switch
    {
        ".mp4" or ".m4v" => "video/mp4",
        ".mkv" => "video/x-matroska",
        ".ts" => "video/mp2t",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };

    /// <summary>Sums per-part byte counts (parts run concurrently and may restart on an SDK retry).</summary>
    private sealed class ProgressTracker(long total, IProgress<TransferProgress>? progress)
    {
        private readonly ConcurrentDictionary<int, long> _parts = new();
        private long _sum;

        public void Update(int part, long transferred)
        {
            if (progress is null) return;
            var previous = 0L;
            _parts.AddOrUpdate(part, transferred, (_, old) => { previous = old; return transferred; });
            var sum = Interlocked.Add(ref _sum, transferred - previous);
            progress.Report(new TransferProgress(Math.Clamp(sum, 0, total), total));
        }

        public void Complete() => progress?.Report(new TransferProgress(total, total));
    }
}
