namespace CamShare.Core.Retention;

/// <summary>Why a segment is to be deleted.</summary>
public enum DeletionReason
{
    /// <summary>It started before the <c>days</c> limit.</summary>
    OlderThanDays,
    /// <summary>The storage's segments are over <c>maxGb</c> and it is among the oldest.</summary>
    OverSizeCap,
}

/// <summary>A segment the plan deletes, and why.</summary>
public sealed record PlannedDeletion(RecognizedSegment Segment, DeletionReason Reason);

/// <summary>What retention would do on one storage: every deletion (oldest first) and what stays.</summary>
/// <param name="Deletions">Segments to delete, oldest first.</param>
/// <param name="Kept">Segments that stay, oldest first.</param>
/// <param name="Listed">Objects the listing returned (foreign ones included).</param>
/// <param name="Temporaries">Temporary objects seen (left to the pipeline's temporary sweeper).</param>
public sealed record RetentionPlan(
    IReadOnlyList<PlannedDeletion> Deletions,
    IReadOnlyList<RecognizedSegment> Kept,
    long Listed,
    long Temporaries)
{
    public long DeletedBytes => Deletions.Sum(d => d.Segment.Size);

    public long KeptBytes => Kept.Sum(s => s.Size);

    /// <summary>Objects listed that are not CamShare's segments (never touched).</summary>
    public long Foreign => Listed - Temporaries - Deletions.Count - Kept.Count;
}
