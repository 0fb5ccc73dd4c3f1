namespace CamShare.Core.Retention;

/// <summary>What one prune of one storage did.</summary>
/// <param name="Plan">The plan it carried out (its deletions are what was due, not all necessarily done).</param>
/// <param name="Deleted">Segments deleted (0 in a dry run).</param>
/// <param name="DeletedBytes">Bytes those segments held.</param>
/// <param name="FoldersRemoved">Emptied date/hour folders removed.</param>
/// <param name="Failure">The storage error that stopped the prune, or null when it completed.</param>
public sealed record PruneResult(RetentionPlan Plan, int Deleted, long DeletedBytes, int FoldersRemoved, Exception? Failure)
{
    public bool Succeeded => Failure is null;
}
