using System.Collections.Concurrent;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Pipeline;

/// <summary>
/// Deletes temporary objects that a crash, an outage or a buffering proxy left behind: after a good put, the folder
/// it went to is listed (at most once per <see cref="PipelineOptions.StaleTemporaryAge"/>) and every temporary
/// object older than that age is removed. The age comes from the temporary name itself, so this works on every
/// provider the same way.
/// </summary>
internal sealed class TemporarySweeper(IStorageProvider provider, PipelineOptions options, ILogger logger, TimeProvider time, string destination)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _sweptAt = new(StringComparer.Ordinal);
    private int _running;

    /// <summary>Deleted temporaries so far (tests).</summary>
    public int Deleted => Volatile.Read(ref _deleted);
    private int _deleted;

    public void AfterPut(string key)
    {
        var folder = StorageKeys.ParentOf(key);
        var now = time.GetUtcNow();
        if (_sweptAt.TryGetValue(folder, out var last) && now - last < options.StaleTemporaryAge) return;
        if (Interlocked.Exchange(ref _running, 1) == 1) return;
        _sweptAt[folder] = now;
        _ = Task.Run(async () =>
        {
            try
            {
                await SweepAsync(folder.Length == 0 ? "" : folder + "/", now).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogDebug("Destination '{Destination}': sweeping temporaries in '{Folder}' failed: {Error}", destination, folder, ex.Message);
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
        });
    }

    private async Task SweepAsync(string prefix, DateTimeOffset now)
    {
        using var limit = new CancellationTokenSource(options.OperationTimeout);
        await foreach (var item in provider.ListAsync(prefix, limit.Token).ConfigureAwait(false))
        {
            if (!StorageKeys.TryGetTemporaryTime(item.Key, out var started) || now - started < options.StaleTemporaryAge) continue;
            await provider.DeleteAsync(item.Key, limit.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _deleted);
            logger.LogInformation("Destination '{Destination}': removed a stale temporary object {Key} (started {Started:u})",
                destination, item.Key, started);
        }
    }
}
