namespace CamShare.Core.Pipeline;

/// <summary>Knobs of the upload pipeline (defaults suit production; tests shorten the waits).</summary>
public sealed class PipelineOptions
{
    /// <summary>Uploads in flight per destination.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>First retry delay of a transient failure; doubles per attempt (full jitter).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a destination waits after an authentication or configuration error before trying again.</summary>
    public TimeSpan AuthRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>At most one Error line per this interval per destination for authentication/configuration errors.</summary>
    public TimeSpan AuthErrorLogInterval { get; set; } = TimeSpan.FromMinutes(1);
}
