using Microsoft.Extensions.Logging;

namespace CamShare.Storage.Ftp;

/// <summary>
/// A few logged-in control connections, one per operation in flight (FTP runs one transfer per control
/// connection). An idle connection is checked with NOOP before reuse when it has rested a while; an operation
/// whose reused connection turns out dead (421 idle timeout, reset) is run once more on a new connection.
/// </summary>
internal sealed class FtpConnectionPool : IAsyncDisposable
{
    private readonly FtpSettings _settings;
    private readonly SemaphoreSlim _gate;
    private readonly Lock _lock = new();
    private readonly Stack<FtpControlConnection> _idle = new();
    private readonly bool[] _slots;
    private bool _disposed;

    public FtpConnectionPool(FtpSettings settings, int maxConnections)
    {
        _settings = settings;
        _gate = new SemaphoreSlim(maxConnections, maxConnections);
        _slots = new bool[maxConnections];
    }

    /// <summary>An idle connection older than this gets a NOOP before it is used again.</summary>
    public TimeSpan HealthCheckAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Runs <paramref name="operation"/> on a connection; once more on a fresh one if a reused one was dead.</summary>
    public async Task<T> RunAsync<T>(Func<FtpControlConnection, Task<T>> operation, CancellationToken cancellationToken)
    {
        var lease = await RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await operation(lease.Connection).ConfigureAwait(false);
        }
        catch (FtpConnectionLostException ex) when (lease.Reused && !cancellationToken.IsCancellationRequested)
        {
            _settings.Logger.LogDebug("FTP {Storage}: a reused connection was gone ({Reason}); trying a new one",
                _settings.StorageName, ex.Message);
            lease.Connection.MarkBroken();
            await lease.DisposeAsync().ConfigureAwait(false);
            lease = await RentAsync(cancellationToken, fresh: true).ConfigureAwait(false);
            return await operation(lease.Connection).ConfigureAwait(false);
        }
        finally
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A connection for the caller alone until the lease is disposed.</summary>
    public async Task<Lease> RentAsync(CancellationToken cancellationToken, bool fresh = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (!fresh && TakeIdle() is { } idle)
            {
                if (DateTime.UtcNow - idle.LastUsedUtc < HealthCheckAfter || await IsAliveAsync(idle, cancellationToken).ConfigureAwait(false))
                    return new Lease(this, idle, Reused: true);
                await CloseAsync(idle).ConfigureAwait(false);
            }
            if (fresh) await CloseIdleAsync().ConfigureAwait(false); // they are likely as dead as the one that failed
            var slot = TakeSlot();
            try
            {
                var connection = await FtpControlConnection.OpenAsync(_settings, slot, cancellationToken).ConfigureAwait(false);
                return new Lease(this, connection, Reused: false);
            }
            catch
            {
                FreeSlot(slot);
                throw;
            }
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    private static async Task<bool> IsAliveAsync(FtpControlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return (await connection.SendAsync("NOOP", cancellationToken).ConfigureAwait(false)).IsSuccess;
        }
        catch (IOException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task ReturnAsync(FtpControlConnection connection)
    {
        try
        {
            if (connection.IsBroken || _disposed) await CloseAsync(connection).ConfigureAwait(false);
            else lock (_lock) _idle.Push(connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    private FtpControlConnection? TakeIdle()
    {
        lock (_lock) return _idle.TryPop(out var c) ? c : null;
    }

    private int TakeSlot()
    {
        lock (_lock)
        {
            var slot = Array.IndexOf(_slots, false);
            if (slot < 0) throw new InvalidOperationException("no free connection slot"); // the gate prevents this
            _slots[slot] = true;
            return slot;
        }
    }

    private void FreeSlot(int slot)
    {
        lock (_lock) _slots[slot] = false;
    }

    private async Task CloseAsync(FtpControlConnection connection)
    {
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            FreeSlot(connection.Slot);
        }
    }

    private async Task CloseIdleAsync()
    {
        while (TakeIdle() is { } idle) await CloseAsync(idle).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await CloseIdleAsync().ConfigureAwait(false);
    }

    /// <summary>A rented connection; disposing gives it back (or closes it when broken).</summary>
    public sealed record Lease(FtpConnectionPool Pool, FtpControlConnection Connection, bool Reused) : IAsyncDisposable
    {
        private int _returned;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0) await Pool.ReturnAsync(Connection).ConfigureAwait(false);
        }
    }
}
