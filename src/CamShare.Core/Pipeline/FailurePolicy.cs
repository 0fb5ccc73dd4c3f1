using CamShare.Abstractions;

namespace CamShare.Core.Pipeline;

/// <summary>What a destination does after a failed attempt. Follows the contract's classification only.</summary>
public enum FailureAction
{
    /// <summary>Retry after a backoff (retryable storage error, timeout).</summary>
    Backoff,
    /// <summary>A person must act (credentials, configuration, missing bucket): pause, re-probe slowly.</summary>
    PauseForPerson,
    /// <summary>The backend is full: pause with a longer re-probe.</summary>
    PauseForQuota,
    /// <summary>Not a storage error: a bug in the plugin (bounded retries, then a pause).</summary>
    PluginFault,
}

/// <summary>Maps an exception from a provider call to the destination's next step (see <see cref="StorageException"/>).</summary>
public static class FailurePolicy
{
    public static FailureAction Classify(Exception error) => error switch
    {
        StorageQuotaException => FailureAction.PauseForQuota,
        StorageException { IsRetryable: true } => FailureAction.Backoff,
        StorageException => FailureAction.PauseForPerson,
        OperationTimedOutException => FailureAction.Backoff,
        _ => FailureAction.PluginFault,
    };

    /// <summary>Capped exponential backoff with full jitter, never sooner than the backend asked.</summary>
    public static TimeSpan BackoffDelay(int consecutiveFailures, TimeSpan baseDelay, TimeSpan maxDelay, TimeSpan? retryAfter, Random random)
    {
        var ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(consecutiveFailures - 1, 30)));
        var jittered = TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
        return retryAfter is { } after && after > jittered ? after : jittered;
    }
}

/// <summary>The host gave up waiting for a provider call (it ran past its time limit).</summary>
public sealed class OperationTimedOutException(string message) : TimeoutException(message);
