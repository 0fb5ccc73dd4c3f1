using System.Globalization;
using CamShare.Abstractions;

namespace CamShare.Core.Retention;

/// <summary>The words retention uses for people: sizes, reasons, and what kind of storage error stopped it.</summary>
public static class RetentionReport
{
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.##} GB"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.#} MB"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.#} kB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    public static string Reason(DeletionReason reason) => reason switch
    {
        DeletionReason.OlderThanDays => "older than days",
        DeletionReason.OverSizeCap => "over maxGb",
        _ => reason.ToString(),
    };

    /// <summary>The error's class as the contract defines it, e.g. "authentication (not retried)".</summary>
    public static string Classify(Exception error) => error switch
    {
        StorageAuthenticationException => "authentication failed; fix the storage's credentials",
        StorageQuotaException => "storage full or over quota",
        StorageConfigurationException => "storage misconfigured",
        StorageNotFoundException => "not found",
        StorageUnreachableException => "storage unreachable; retried at the next sweep",
        StorageTransientException => "transient storage error; retried at the next sweep",
        StorageException => "storage error",
        _ => "unexpected error in the storage provider (a plugin bug)",
    };

    /// <summary>One line for a prune, for logs and for `camshare prune`.</summary>
    public static string Summary(string storage, PruneResult result, bool dryRun)
    {
        var plan = result.Plan;
        var verb = dryRun
            ? $"would delete {plan.Deletions.Count} segment(s) ({Bytes(plan.DeletedBytes)})"
            : $"deleted {result.Deleted} segment(s), {Bytes(result.DeletedBytes)} freed, {result.FoldersRemoved} empty folder(s) removed";
        var line = $"retention '{storage}': {verb}; {plan.Kept.Count} kept ({Bytes(plan.KeptBytes)}); " +
                   $"{plan.Foreign} other object(s) and {plan.Temporaries} temporary object(s) left alone";
        return result.Failure is { } failure
            ? $"retention '{storage}': FAILED after deleting {result.Deleted} segment(s) ({Bytes(result.DeletedBytes)}): {Classify(failure)}: {failure.Message}"
            : line;
    }
}
