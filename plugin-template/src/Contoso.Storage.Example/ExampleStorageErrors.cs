using CamShare.Abstractions;

namespace Contoso.Storage.Example;

/// <summary>
/// Classifies the backend's failures into the contract's error types. camshare owns retries, backoff and jitter;
/// this classification decides whether it retries at all, so be precise. REPLACE the cases with your backend's
/// (HTTP status codes, SDK error codes, socket errors, ...). Messages say what failed and how to fix it, and never
/// contain a secret (password, token, signed URL).
/// </summary>
internal static class ExampleStorageErrors
{
    /// <param name="error">What the backend threw (never a cancellation of ours: let those through untouched).</param>
    /// <param name="what">What was being done, e.g. "storing 'porch/a.mp4'": starts every message.</param>
    public static StorageException Map(Exception error, string what) => error switch
    {
        StorageException storage => storage,
        // Missing object: the one failure callers expect routinely.
        FileNotFoundException or DirectoryNotFoundException =>
            new StorageNotFoundException($"{what}: no such object.", error),
        // Credentials or permissions: retrying in a loop will not help; a person must act.
        UnauthorizedAccessException =>
            new StorageAuthenticationException($"{what}: permission denied. Check the folder's owner and mode.", error),
        // Out of space or over quota.
        IOException io when IsDiskFull(io) =>
            new StorageQuotaException($"{what}: the disk is full.", error),
        // Anything else may pass: network blips, timeouts, busy servers. Include a server's Retry-After if it sends one.
        _ => new StorageTransientException($"{what}: {error.Message}", error),
    };

    // ENOSPC (28) and EDQUOT (122) on Linux; ERROR_HANDLE_DISK_FULL (39) and ERROR_DISK_FULL (112) on Windows.
    private static bool IsDiskFull(IOException error) => (error.HResult & 0xFFFF) is 28 or 122 or 39 or 112;
}
