using Amazon.S3;
using Amazon.S3.Model;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace CamShare.Storage.S3;

/// <summary>
/// Unfinished multipart uploads under the prefix (left by a crash or a power cut, when no abort could be sent).
/// Their parts are billed storage that no listing shows, so they are reported by `camshare check` and aborted
/// once they are older than abortStaleUploadsAfterHours.
/// </summary>
internal sealed class S3StaleUploads(IAmazonS3 client, S3StorageOptions options, S3Uploader uploader, ILogger logger)
{
    /// <summary>An upload younger than this may simply be in flight.</summary>
    private static readonly TimeSpan InFlightGrace = TimeSpan.FromHours(1);

    public async Task<DiagnosticResult> DiagnoseAsync(CancellationToken cancellationToken)
    {
        const string name = "s3 stale multipart uploads";
        List<MultipartUpload> uploads;
        try
        {
            uploads = await ListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when ((int)ex.StatusCode is 501 or 405 || ex.ErrorCode is "NotImplemented" or "MethodNotAllowed")
        {
            return new DiagnosticResult(name, true,
                $"the server does not implement ListMultipartUploads ({ex.ErrorCode}): cannot check for unfinished uploads");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new DiagnosticResult(name, false, S3ErrorMapper.Map(ex, "listing multipart uploads", options.Bucket).Message);
        }
        var now = DateTime.UtcNow;
        var stale = uploads.Where(u => u.Initiated is { } t && now - t.ToUniversalTime() > InFlightGrace).ToList();
        if (stale.Count == 0)
            return new DiagnosticResult(name, true, uploads.Count == 0
                ? $"none under '{options.NormalizedPrefix}'"
                : $"{uploads.Count} in progress (started less than an hour ago), none stale");
        var oldest = stale.Min(u => u.Initiated!.Value.ToUniversalTime());
        var automatic = options.AbortStaleUploadsAfterHours > 0
            ? $"CamShare aborts those older than {options.AbortStaleUploadsAfterHours} h when it starts"
            : "automatic abort is off (abortStaleUploadsAfterHours = 0)";
        return new DiagnosticResult(name, false,
            $"{stale.Count} unfinished multipart upload(s) under '{options.NormalizedPrefix}', oldest started {oldest:u}; " +
            $"their parts use storage. {automatic}; a bucket lifecycle rule AbortIncompleteMultipartUpload also removes them.");
    }

    /// <summary>Aborts uploads under the prefix older than <paramref name="age"/>. Never throws.</summary>
    public async Task AbortStaleAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        try
        {
            var cutoff = DateTime.UtcNow - age;
            foreach (var upload in await ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (upload.Initiated is not { } started || started.ToUniversalTime() > cutoff) continue;
                logger.LogInformation("Aborting stale multipart upload {UploadId} of {Key} started {Started:u}",
                    upload.UploadId, upload.Key, started);
                await uploader.AbortAsync(upload.Key, upload.UploadId).ConfigureAwait(false);
            }
        }
        catch (AmazonS3Exception ex) when ((int)ex.StatusCode is 501 or 405 || ex.ErrorCode is "NotImplemented" or "MethodNotAllowed")
        {
            logger.LogDebug("The S3 server cannot list multipart uploads ({Code}); stale uploads are not cleaned up", ex.ErrorCode);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not look for stale multipart uploads: {Error}",
                S3ErrorMapper.Map(ex, "listing multipart uploads", options.Bucket).Message);
        }
    }

    private async Task<List<MultipartUpload>> ListAsync(CancellationToken cancellationToken)
    {
        var all = new List<MultipartUpload>();
        var request = new ListMultipartUploadsRequest { BucketName = options.Bucket, Prefix = options.NormalizedPrefix };
        while (true)
        {
            var page = await client.ListMultipartUploadsAsync(request, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.MultipartUploads ?? []);
            if (page.IsTruncated != true) return all;
            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }
    }
}
