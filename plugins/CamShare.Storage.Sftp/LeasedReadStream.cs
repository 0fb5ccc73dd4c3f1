using Renci.SshNet.Sftp;

namespace CamShare.Storage.Sftp;

/// <summary>A remote file opened for reading that keeps its pooled session until it is disposed; read errors are
/// classified like every other.</summary>
internal sealed class LeasedReadStream(SftpFileStream inner, SftpConnectionPool.Lease lease, SftpErrors errors, string key)
    : Stream
{
    public override int Read(byte[] buffer, int offset, int count)
    {
        try { return inner.Read(buffer, offset, count); }
        catch (Exception ex) { throw Fail(ex, CancellationToken.None); }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try { return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false); }
        catch (Exception ex) { throw Fail(ex, cancellationToken); }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private Exception Fail(Exception ex, CancellationToken cancellationToken)
    {
        lease.Discard();
        return errors.Classify(ex, $"read '{key}'", cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try { inner.Dispose(); }
            catch (Exception) { lease.Discard(); } // closing the handle failed: the session goes with it
            lease.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
