using CamShare.Abstractions;

namespace CamShare.Storage.Rclone;

/// <summary>
/// Maps a failed rclone run onto the contract's errors. rclone's exit code decides first (lib/exitcode:
/// 1 usage, 2 uncategorised, 3 directory not found, 4 file not found, 5 temporary, 6 less serious, 7 fatal,
/// 8 transfer exceeded, 9 no files transferred); its error text only refines the codes that rclone also uses for
/// "could not even start" (1, 2, 6, 7), e.g. a remote missing from the config or a refused login.
/// </summary>
internal static class RcloneErrors
{
    public const int UsageError = 1, UncategorizedError = 2, DirNotFound = 3, FileNotFound = 4, RetryError = 5,
        NoRetryError = 6, FatalError = 7, TransferExceeded = 8, NoFilesTransferred = 9;

    /// <summary>What kind of failure a run was.</summary>
    public enum Kind { Configuration, Authentication, Unreachable, Quota, NotFound, Transient, Integrity, NotSupported }

    public static Kind Classify(int exitCode, string stderr)
    {
        switch (exitCode)
        {
            case DirNotFound or FileNotFound: return Kind.NotFound;
            case RetryError: return Refine(stderr) is Kind.Unreachable ? Kind.Unreachable : Kind.Transient;
            case TransferExceeded: return Kind.Quota;
            case NoFilesTransferred: return Kind.Integrity;
        }
        if (Refine(stderr) is { } refined) return refined;
        return exitCode switch
        {
            UsageError when Has(stderr, "unknown flag", "unknown shorthand flag", "usage:", "invalid argument",
                "flag needs an argument", "accepts ", "requires ") => Kind.Configuration,
            FatalError => Kind.Configuration,
            _ => Kind.Transient,
        };
    }

    /// <summary>The text-based refinement, or null when the text says nothing we recognise.</summary>
    private static Kind? Refine(string text)
    {
        if (Has(text, "didn't find section in config file", "didn't find backend called", "couldn't find root",
                "unable to decrypt configuration", "not allowed to ask for password", "failed to load config file",
                "config file not found", "is it obscured?", "bad config", "unknown flag", "unknown shorthand flag",
                "invalid value when setting"))
            return Kind.Configuration;
        if (Has(text, "doesn't support public links", "doesn't support sharing"))
            return Kind.NotSupported;
        // Quota before authentication: providers report a full drive as 403 too.
        if (Has(text, "quota", "insufficient storage", "insufficient_storage", "no space left on device", "disk full",
                "storage full", "507 ", "not enough space", "storagequotaexceeded"))
            return Kind.Quota;
        if (Has(text, "unable to authenticate", "permission denied", "access denied", "accessdenied", "unauthorized",
                "401 ", "403 ", "error 401", "error 403", "forbidden", "invalid_grant", "invalid_client", "token expired", "expired token",
                "authentication failed", "couldn't fetch token", "login failed", "signaturedoesnotmatch",
                "invalidaccesskeyid", "logon failure", "status_logon_failure", "wrong password", "invalid credentials"))
            return Kind.Authentication;
        if (Has(text, "connection refused", "no route to host", "no such host", "network is unreachable",
                "host is down", "i/o timeout", "server misbehaving", "couldn't connect"))
            return Kind.Unreachable;
        if (Has(text, "object not found", "directory not found", "doesn't exist", "file does not exist",
                "no such file"))
            return Kind.NotFound;
        return null;
    }

    public static Exception ToException(Kind kind, string message) => kind switch
    {
        Kind.Configuration => new StorageConfigurationException(message),
        Kind.Authentication => new StorageAuthenticationException(message),
        Kind.Unreachable => new StorageUnreachableException(message),
        Kind.Quota => new StorageQuotaException(message),
        Kind.NotFound => new StorageNotFoundException(message),
        Kind.Integrity => new StorageIntegrityException(message),
        Kind.NotSupported => new NotSupportedException(message),
        _ => new StorageTransientException(message),
    };

    private static bool Has(string text, params string[] needles)
    {
        foreach (var needle in needles)
            if (text.Contains(needle, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
