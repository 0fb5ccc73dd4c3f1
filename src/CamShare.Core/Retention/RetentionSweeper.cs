using CamShare.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Retention;

/// <summary>
/// One storage's background retention while the service runs: a prune on the storage's schedule, one log line
/// per sweep. A failing sweep is logged with its class of error and retried at the next one; it never throws,
/// so uploads to the same storage are never affected.
/// </summary>
public sealed class RetentionSweeper(string storage, RetentionPruner pruner, RetentionSettings settings, ILogger logger,
    TimeProvider time, TimeSpan firstSweepDelay)
{
    /// <summary>Sweeps done so far (tests and diagnostics).</summary>
    public int Sweeps => Volatile.Read(ref _sweeps);
    private int _sweeps;

    /// <summary>The last sweep's result, if any.</summary>
    public PruneResult? LastResult { get; private set; }

    public async Task RunAsync(CancellationToken stopping)
    {
        var interval = TimeSpan.FromMinutes(settings.IntervalMinutes);
        var delay = firstSweepDelay;
        while (true)
        {
            try
            {
                await Task.Delay(delay, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = interval;
            await SweepOnceAsync(stopping).ConfigureAwait(false);
            if (stopping.IsCancellationRequested) return;
        }
    }

    /// <summary>One sweep; never throws (cancellation ends it quietly).</summary>
    public async Task SweepOnceAsync(CancellationToken stopping)
    {
        try
        {
            var result = await pruner.PruneAsync(settings, time.GetUtcNow(), dryRun: false, onDeletion: null, stopping).ConfigureAwait(false);
            LastResult = result;
            if (result.Failure is null)
                logger.LogInformation("{Summary}", RetentionReport.Summary(storage, result, dryRun: false));
            else
                logger.LogWarning("{Summary}; next sweep in {Minutes} min", RetentionReport.Summary(storage, result, dryRun: false), settings.IntervalMinutes);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning("retention '{Storage}': sweep failed: {Class}: {Error}; next sweep in {Minutes} min",
                storage, RetentionReport.Classify(ex), ex.Message, settings.IntervalMinutes);
        }
        finally
        {
            Interlocked.Increment(ref _sweeps);
        }
    }
}
