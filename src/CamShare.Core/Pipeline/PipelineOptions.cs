namespace CamShare.Core.Pipeline;

/// <summary>Knobs of the upload pipeline (defaults suit production; tests shorten the waits).</summary>
public sealed class PipelineOptions
{
    /// <summary>Uploads in flight per destination.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>First retry delay of a transient failure; doubles per consecutive failure (full jitter).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a destination pauses after an error a person must fix (authentication, configuration).</summary>
    public TimeSpan AuthRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a destination pauses when the backend is full.</summary>
    public TimeSpan QuotaRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a destination pauses after <see cref="PluginFaultRetries"/> plugin faults in a row.</summary>
    public TimeSpan PluginFaultPause { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts after a plugin fault (an exception outside the contract) before the destination pauses.</summary>
    public int PluginFaultRetries { get; set; } = 3;

    /// <summary>At most one Error line per this interval per destination for errors that pause it.</summary>
    public TimeSpan AuthErrorLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Time limit of any provider call, plus <see cref="MinimumThroughputBytesPerSecond"/> for a put's bytes.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A put slower than this (over its whole size) is abandoned and retried.</summary>
    public long MinimumThroughputBytesPerSecond { get; set; } = 64 * 1024;

    /// <summary>After cancelling a call that ran out of time, how long to wait for the provider to notice before
    /// abandoning it.</summary>
    public TimeSpan AbandonGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Temporary objects older than this, found beside a new upload, are left-overs of a crash: deleted.</summary>
    public TimeSpan StaleTemporaryAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The time limit of a put of <paramref name="bytes"/> bytes.</summary>
    public TimeSpan PutTimeout(long bytes) =>
        OperationTimeout + TimeSpan.FromSeconds(bytes / (double)Math.Max(1, MinimumThroughputBytesPerSecond));
}
