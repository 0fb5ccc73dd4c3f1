namespace CamShare.Storage.Ftp;

/// <summary>
/// The data connection of a RETR. Read to the end, disposing it checks the server's 226 and gives the control
/// connection back to the pool; closed early, the control connection is dropped (cheaper than ABOR's dance).
/// </summary>
internal sealed class FtpReadStream(Stream data, FtpConnectionPool.Lease lease, string what, TimeSpan timeout) : Stream
{
    private bool _atEnd;
    private int _disposed;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var step = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        step.CancelAfter(timeout);
        int read;
        try
        {
            read = await data.ReadAsync(buffer, step.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            lease.Connection.MarkBroken();
            throw new FtpConnectionLostException($"{what}: no data for {timeout.TotalSeconds:0} s (timeout).");
        }
        catch (IOException ex)
        {
            lease.Connection.MarkBroken();
            throw new FtpConnectionLostException($"{what}: connection lost: {lease.Connection.Redactor.Redact(ex.Message)}", ex);
        }
        if (read == 0 && buffer.Length > 0 && !_atEnd)
        {
            // The end of the data is only an end if the server says the transfer succeeded (226).
            _atEnd = true;
            await lease.Connection.FinishTransferAsync(data, upload: false, FtpAction.Read, what, cancellationToken).ConfigureAwait(false);
        }
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            if (!_atEnd)
            {
                lease.Connection.MarkBroken();
                await data.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or CamShare.Abstractions.StorageException)
        {
            lease.Connection.MarkBroken(); // the bytes were all read; only the goodbye failed
        }
        finally
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
