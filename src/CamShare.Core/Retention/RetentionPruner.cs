using CamShare.Abstractions;
using CamShare.Core.Configuration;

namespace CamShare.Core.Retention;

/// <summary>
/// Carries out a storage's retention: plans from a fresh listing, deletes each planned segment (reporting each
/// key), then removes the date/hour folders it emptied where the backend has real folders
/// (<see cref="IFolderCleanupCapability"/>). Stops at the first storage error and reports it: the next sweep
/// starts again from a new listing, so nothing is lost by stopping.
/// </summary>
public sealed class RetentionPruner(IStorageProvider provider, SegmentKeyRecognizer recognizer, IStoredKeyDecoder decoder)
{
    /// <param name="settings">The storage's retention rules.</param>
    /// <param name="now">The time "days" counts back from.</param>
    /// <param name="dryRun">Plan and report only; delete nothing.</param>
    /// <param name="onDeletion">Called for each deletion just after it is done (or, in a dry run, planned).</param>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<PruneResult> PruneAsync(RetentionSettings settings, DateTimeOffset now, bool dryRun,
        Action<PlannedDeletion>? onDeletion, CancellationToken cancellationToken)
    {
        RetentionPlan plan;
        try
        {
            plan = await new RetentionPlanner(recognizer, decoder).PlanAsync(provider, settings, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            return new PruneResult(new RetentionPlan([], [], 0, 0), 0, 0, 0, ex);
        }
        if (dryRun)
        {
            foreach (var deletion in plan.Deletions) onDeletion?.Invoke(deletion);
            return new PruneResult(plan, 0, 0, 0, null);
        }

        var deleted = 0;
        long bytes = 0;
        var emptied = new HashSet<string>(StringComparer.Ordinal);
        foreach (var deletion in plan.Deletions)
        {
            try
            {
                await provider.DeleteAsync(deletion.Segment.StoredKey, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
            {
                return new PruneResult(plan, deleted, bytes, await RemoveFoldersAsync(emptied, cancellationToken).ConfigureAwait(false), ex);
            }
            deleted++;
            bytes += deletion.Segment.Size;
            foreach (var folder in RemovableFoldersOf(deletion.Segment.StoredKey)) emptied.Add(folder);
            onDeletion?.Invoke(deletion);
        }
        int removed;
        try
        {
            removed = await RemoveFoldersAsync(emptied, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            return new PruneResult(plan, deleted, bytes, 0, ex);
        }
        return new PruneResult(plan, deleted, bytes, removed, null);
    }

    // The folders of a key at the template's date levels, deepest first ("porch/20240323/10", "porch/20240323").
    private IEnumerable<string> RemovableFoldersOf(string storedKey)
    {
        var parts = storedKey.Split('/');
        for (var depth = parts.Length - 2; depth >= 0; depth--)
            if (recognizer.RemovableFolderDepths.Contains(depth)) yield return string.Join('/', parts, 0, depth + 1);
    }

    private async Task<int> RemoveFoldersAsync(IEnumerable<string> folders, CancellationToken cancellationToken)
    {
        if (provider is not IFolderCleanupCapability cleanup) return 0;
        var removed = 0;
        // Deepest first: an hour folder must go before its day folder can be empty.
        foreach (var folder in folders.OrderByDescending(f => f.Count(c => c == '/')).ThenBy(f => f, StringComparer.Ordinal))
        {
            if (!await IsEmptyAsync(folder, cancellationToken).ConfigureAwait(false)) continue;
            await cleanup.RemoveFolderIfEmptyAsync(folder, cancellationToken).ConfigureAwait(false);
            removed++;
        }
        return removed;
    }

    // A folder that still holds anything (a kept segment, a foreign file) is not even asked about.
    private async Task<bool> IsEmptyAsync(string folder, CancellationToken cancellationToken)
    {
        await using var items = provider.ListAsync(folder + "/", cancellationToken).GetAsyncEnumerator(cancellationToken);
        return !await items.MoveNextAsync().ConfigureAwait(false);
    }

    // Errors of the storage (classified or not) end this prune; cancellation is the caller's and propagates.
    private static bool IsStorageFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is not OutOfMemoryException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
