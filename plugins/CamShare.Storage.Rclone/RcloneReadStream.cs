namespace CamShare.Storage.Rclone;

/// <summary>
/// The stdout of <c>rclone cat</c> as a read-only stream. At the end of the data it checks rclone's exit code, so a
/// download cut short surfaces as an error instead of a silently short object; disposal stops rclone.
/// </summary>
internal sealed class RcloneReadStream(RcloneProcess run, Func<RcloneResult, Exception> fail) : Stream
{
    private bool _checked;

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await run.Output.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read == 0 && buffer.Length > 0 && !_checked)
        {
            _checked = true;
            var code = await run.WaitForExitAsync().ConfigureAwait(false);
            if (code != 0) throw fail(new RcloneResult("cat", code, "", run.ErrorText));
        }
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing) run.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await run.DisposeAsync().ConfigureAwait(false); // idempotent: Dispose(true) below finds it done
        await base.DisposeAsync().ConfigureAwait(false);
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
