namespace CamShare.Abstractions;

/// <summary>
/// Base of every error a provider reports. Providers classify errors; the host owns retries, backoff and jitter,
/// and its behaviour follows the classification, never a provider's name:
/// <list type="bullet">
/// <item><see cref="IsRetryable"/> true: the operation is retried with capped exponential backoff and full jitter,
/// never sooner than <see cref="RetryAfter"/> when the backend said how long to wait.</item>
/// <item><see cref="IsRetryable"/> false (a person must act: <see cref="StorageAuthenticationException"/>,
/// <see cref="StorageConfigurationException"/>, <see cref="StorageNotFoundException"/> from a put): the
/// destination pauses with one clear log line and re-probes slowly; segments wait in the spool.</item>
/// <item><see cref="StorageQuotaException"/>: the destination pauses with a longer re-probe.</item>
/// <item>Any exception that is not a <see cref="StorageException"/> is a plugin fault: logged once as a bug of the
/// plugin, retried a bounded number of times, then the destination pauses. Classify what you can.</item>
/// </list>
/// Messages must never contain a secret (password, key, token, signed URL): use <see cref="SecretRedactor"/> on any
/// text taken from a backend or a tool.
/// </summary>
public abstract class StorageException : Exception
{
    /// <summary>Creates the error.</summary>
    protected StorageException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Whether retrying the same operation later, unchanged, may succeed.</summary>
    public abstract bool IsRetryable { get; }

    /// <summary>How long the backend asked the client to wait before a retry, when it said so.</summary>
    public virtual TimeSpan? RetryAfter => null;
}

/// <summary>Credentials are wrong, expired or lack permission. Retrying in a loop will not help.</summary>
public class StorageAuthenticationException(string message, Exception? innerException = null)
    : StorageException(message, innerException)
{
    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>The object (or the container a key lives in) does not exist.</summary>
public class StorageNotFoundException(string message, Exception? innerException = null)
    : StorageException(message, innerException)
{
    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>The backend is out of space or over its quota: a person (or retention) must free space first.</summary>
public class StorageQuotaException(string message, Exception? innerException = null)
    : StorageException(message, innerException)
{
    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>
/// The storage is configured wrongly in a way only the backend can tell (a bucket that does not exist, a remote
/// missing from rclone's config). Needs a person to fix the configuration.
/// </summary>
public class StorageConfigurationException(string message, Exception? innerException = null)
    : StorageException(message, innerException)
{
    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>A failure that a later retry may fix: network errors, timeouts, 5xx, throttling.</summary>
public class StorageTransientException(string message, Exception? innerException = null, TimeSpan? retryAfter = null)
    : StorageException(message, innerException)
{
    private readonly TimeSpan? _retryAfter = retryAfter;

    /// <inheritdoc />
    public override TimeSpan? RetryAfter => _retryAfter;

    /// <inheritdoc />
    public override bool IsRetryable => true;
}

/// <summary>The server could not be reached at all (connection refused, DNS failure, host down).</summary>
public class StorageUnreachableException(string message, Exception? innerException = null)
    : StorageTransientException(message, innerException);

/// <summary>
/// The backend stored something other than what was sent (size or checksum mismatch after a put).
/// Retrying the upload is the right answer.
/// </summary>
public class StorageIntegrityException(string message, Exception? innerException = null)
    : StorageTransientException(message, innerException);
