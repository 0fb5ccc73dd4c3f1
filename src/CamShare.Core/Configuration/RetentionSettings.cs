using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace CamShare.Core.Configuration;

/// <summary>How long a storage keeps CamShare's own recordings.</summary>
/// <remarks>Only objects CamShare wrote for a configured camera are ever deleted (see docs/retention.md). A rule
/// that would delete every recording (0 or negative) is refused: a typo must never empty a storage.</remarks>
[Description("Remote retention: CamShare deletes its own old recordings from this storage.")]
public sealed class RetentionSettings : IValidatableObject
{
    /// <summary>Default sweep schedule: often enough that a day's cap is never far over, rare enough to list cheaply.</summary>
    public const int DefaultIntervalMinutes = 60;

    /// <summary>Bytes in one GB as <see cref="MaxGb"/> counts them (decimal, like disk and cloud vendors).</summary>
    public const long BytesPerGb = 1_000_000_000;

    [Description("Keep recordings that started less than this many days ago; older ones are deleted. At least 1.")]
    public int? Days { get; set; }

    [Description("Keep at most this many GB (10^9 bytes) of CamShare's own recordings on this storage; the oldest go first. Fractions allowed, e.g. 0.5.")]
    public double? MaxGb { get; set; }

    [Description("Minutes between two retention sweeps while `camshare run` runs.")]
    public int IntervalMinutes { get; set; } = DefaultIntervalMinutes;

    /// <summary>The size cap in bytes, when one is set.</summary>
    public long? MaxBytes => MaxGb is { } gb ? (long)Math.Round(Math.Min(gb * BytesPerGb, long.MaxValue)) : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Days is null && MaxGb is null)
            yield return new ValidationResult(
                "sets no rule; add \"days\" (keep N days, e.g. 30) and/or \"maxGb\" (keep at most N GB, e.g. 100), or remove the retention section");
        if (Days is < 1)
            yield return new ValidationResult(
                $"{Days} would delete every recording; use a number of days of at least 1 (e.g. 30), or remove \"days\" to keep recordings regardless of age",
                [nameof(Days)]);
        if (MaxGb is { } gb && (gb <= 0 || double.IsNaN(gb) || double.IsInfinity(gb)))
            yield return new ValidationResult(
                $"{gb} would delete every recording; use a positive number of GB (e.g. 100 or 0.5), or remove \"maxGb\" to keep recordings regardless of size",
                [nameof(MaxGb)]);
        if (IntervalMinutes is < 1 or > 7 * 24 * 60)
            yield return new ValidationResult(
                $"{IntervalMinutes} is out of range; use 1 to 10080 minutes between sweeps (default {DefaultIntervalMinutes})",
                [nameof(IntervalMinutes)]);
    }
}
