using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;
using CamShare.Abstractions;

namespace CamShare.Storage.S3;

/// <summary>
/// Classifies AWSSDK failures into the contract's error types. The host owns retries, so the classification
/// decides whether it retries at all: credentials and configuration problems are never retried in a loop.
/// </summary>
internal static class S3ErrorMapper
{
    private static readonly HashSet<string> AuthCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken",
        "TokenRefreshRequired", "AccountProblem", "AllAccessDisabled", "InvalidSecurity", "Unauthorized",
        "UnauthorizedAccess",
    };

    private static readonly HashSet<string> TransientCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "RequestTimeTooSkewed", "InternalError",
        "ServiceUnavailable", "OperationAborted", "RequestLimitExceeded", "TooManyRequests", "XMinioServerNotInitialized", "NoSuchUpload",
    };

    private static readonly HashSet<string> QuotaCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "QuotaExceeded", "XMinioStorageFull", "StorageFull", "InsufficientStorage", "XMinioAdminBucketQuotaExceeded",
        "ServiceQuotaExceeded", "TooManyBuckets",
    };

    private static readonly HashSet<string> ConfigCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "NoSuchBucket", "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException",
        "InvalidBucketName", "InvalidStorageClass", "InvalidArgument", "KMS.NotFoundException", "NotImplemented",
        "InvalidRequest", "InvalidEncryptionAlgorithmError", "KMS.DisabledException", "MethodNotAllowed",
    };

    /// <summary>Maps <paramref name="error"/> (already not a cancellation of ours) to a storage error.</summary>
    /// <param name="what">What was being done, e.g. "uploading 'cam/a.mp4'": starts every message.</param>
    /// <param name="bucket">Named in configuration errors so a person can fix them.</param>
    public static StorageException Map(Exception error, string what, string bucket)
    {
        switch (error)
        {
            case StorageException storage:
                return storage;
            // A service exception without an HTTP status wraps a network failure: classify that below.
            case AmazonS3Exception s3 when s3.StatusCode != 0:
                return MapService(s3, s3.ErrorCode, s3.StatusCode, what, bucket);
            case AmazonServiceException service when service.StatusCode != 0:
                return MapService(service, service.ErrorCode, service.StatusCode, what, bucket);
        }

        if (FindInner<SocketException>(error) is { } socket && socket.SocketErrorCode is SocketError.ConnectionRefused
                or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable
                or SocketError.TryAgain or SocketError.NoData or SocketError.AddressNotAvailable)
            return new StorageUnreachableException($"{what}: cannot reach the S3 endpoint ({socket.SocketErrorCode}).", error);
        if (FindInner<HttpRequestException>(error) is { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError } http)
            return new StorageUnreachableException($"{what}: cannot reach the S3 endpoint ({http.HttpRequestError}).", error);
        if (FindInner<TimeoutException>(error) is not null || error is TaskCanceledException or OperationCanceledException)
            return new StorageTransientException($"{what}: the S3 request timed out.", error);
        if (FindInner<HttpRequestException>(error) is not null || FindInner<IOException>(error) is not null ||
            FindInner<SocketException>(error) is not null || FindInner<WebException>(error) is not null)
            return new StorageTransientException($"{what}: network error talking to S3 ({Innermost(error).Message}).", error);

        if (error is AmazonClientException client)
        {
            // The SDK found no credentials at all (empty keys, no profile, no role): a person must configure them.
            if (client.Message.Contains("credential", StringComparison.OrdinalIgnoreCase))
                return new StorageConfigurationException(
                    $"{what}: no AWS credentials found. Set accessKeyId and secretAccessKeyEnv (or secretAccessKeyFile), " +
                    "\"profile\", or the standard AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables.", error);
            return new StorageTransientException($"{what}: {client.Message}", error);
        }
        return new StorageTransientException($"{what}: {error.Message}", error);
    }

    private static StorageException MapService(AmazonServiceException error, string? code, HttpStatusCode status,
        string what, string bucket)
    {
        var detail = string.IsNullOrEmpty(code) ? $"HTTP {(int)status}" : $"{code}, HTTP {(int)status}";
        if (string.Equals(code, "NoSuchBucket", StringComparison.OrdinalIgnoreCase))
            return new StorageConfigurationException(
                $"{what}: bucket '{bucket}' does not exist ({detail}). Create it or fix \"bucket\" (and \"endpoint\"/\"region\").", error);
        if (string.Equals(code, "NoSuchKey", StringComparison.OrdinalIgnoreCase) ||
            (status == HttpStatusCode.NotFound && string.IsNullOrEmpty(code) || string.Equals(code, "NotFound", StringComparison.OrdinalIgnoreCase)))
            return new StorageNotFoundException($"{what}: not found ({detail}).", error);
        if (string.Equals(code, "BadDigest", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(code, "InvalidDigest", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(code, "XAmzContentSHA256Mismatch", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(code, "IncompleteBody", StringComparison.OrdinalIgnoreCase))
            return new StorageIntegrityException($"{what}: the server received different bytes than were sent ({detail}).", error);
        if (code is not null && QuotaCodes.Contains(code) || status == HttpStatusCode.InsufficientStorage)
            return new StorageQuotaException($"{what}: the store is full or over its quota ({detail}).", error);
        if (code is not null && TransientCodes.Contains(code) || (int)status >= 500 || status == HttpStatusCode.TooManyRequests)
            return new StorageTransientException($"{what}: the S3 service is busy or failing ({detail}).", error, RetryAfterOf(error));
        if (code is not null && AuthCodes.Contains(code) || status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
            return new StorageAuthenticationException(
                $"{what}: the S3 store refused the credentials or their permissions ({detail}). Check accessKeyId, the secret " +
                "and the key's permissions on the bucket.", error);
        if (code is not null && ConfigCodes.Contains(code) || (int)status is >= 400 and < 500)
        {
            var reason = error.Message.TrimEnd('.', ' ');
            return new StorageConfigurationException(IsStreamingUploadRefusal(reason)
                ? $"{what}: the S3 store does not accept AWSSDK's aws-chunked uploads with checksum trailers ({detail}): " +
                  $"{reason}. Turn \"flexibleChecksums\" off for this store."
                : $"{what}: the S3 store rejected the request ({detail}): {reason}. Check bucket, region, endpoint, " +
                  "pathStyle, storageClass and serverSideEncryption.", error);
        }
        return new StorageTransientException($"{what}: unexpected S3 error ({detail}).", error);
    }

    private static bool IsStreamingUploadRefusal(string message) =>
        message.Contains("x-amz-content-sha256", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("x-amz-trailer", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("aws-chunked", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("STREAMING-", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("x-amz-decoded-content-length", StringComparison.OrdinalIgnoreCase);

    /// <summary>The server's Retry-After, when it sent one (seconds or an HTTP date).</summary>
    private static TimeSpan? RetryAfterOf(AmazonServiceException error)
    {
        if (FindInner<HttpErrorResponseException>(error)?.Response is not { } response) return null;
        var value = response.IsHeaderPresent("Retry-After") ? response.GetHeaderValue("Retry-After") : null;
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (int.TryParse(value.Trim(), out var seconds) && seconds >= 0) return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParse(value, out var when))
        {
            var wait = when - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    private static T? FindInner<T>(Exception error) where T : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
            if (e is T found) return found;
        if (error is AggregateException aggregate)
            foreach (var inner in aggregate.InnerExceptions)
                if (FindInner<T>(inner) is { } found) return found;
        return null;
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is not null) error = error.InnerException;
        return error;
    }
}
