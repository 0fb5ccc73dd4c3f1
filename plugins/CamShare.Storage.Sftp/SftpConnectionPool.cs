using System.Collections.Concurrent;
using Renci.SshNet;

namespace CamShare.Storage.Sftp;

/// <summary>
/// A few logged-in SFTP sessions, one per concurrent operation: a transfer never shares its session's request
/// stream with another. Idle sessions are reused; a session that failed is thrown away, never returned.
/// </summary>
internal sealed class SftpConnectionPool(SftpConnector connector, int maxConnections) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(maxConnections, maxConnections);
    private readonly ConcurrentBag<SftpClient> _idle = [];
    private volatile bool _disposed;

    /// <summary>A session for one operation; <paramref name="reused"/> tells whether it was idle in the pool
    /// (it may have died since, unnoticed).</summary>
    public async Task<Lease> RentAsync(bool allowReuse, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (allowReuse && _idle.TryTake(out var idle))
            {
                if (idle.IsConnected) return new Lease(this, idle, reused: true);
                idle.Dispose();
            }
            return new Lease(this, await connector.ConnectAsync(cancellationToken).ConfigureAwait(false), reused: false);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>Drops every idle session (after the server went away, say).</summary>
    public void DropIdle()
    {
        while (_idle.TryTake(out var idle)) idle.Dispose();
    }

    private void Return(SftpClient client, bool healthy)
    {
        if (healthy && !_disposed && client.IsConnected) _idle.Add(client);
        else if (healthy) client.Dispose();
        else _ = Task.Run(client.Dispose); // a broken session's goodbye can block on a hung server
        _slots.Release();
    }

    public void Dispose()
    {
        _disposed = true;
        DropIdle();
    }

    /// <summary>One rented session. Dispose returns it; <see cref="Discard"/> first if it failed.</summary>
    internal sealed class Lease(SftpConnectionPool pool, SftpClient client, bool reused) : IDisposable
    {
        private bool _broken;
        private int _returned;

        public SftpClient Client { get; } = client;

        public bool Reused { get; } = reused;

        /// <summary>The session is unusable (or holds a handle left open by a failed transfer): close it, so
        /// that the server closes whatever it had open for it.</summary>
        public void Discard() => _broken = true;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0) pool.Return(Client, !_broken);
        }
    }
}
