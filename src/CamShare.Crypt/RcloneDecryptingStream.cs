using System.Security.Cryptography;

namespace CamShare.Crypt;

/// <summary>
/// A read-only stream of the plaintext of an rclone crypt stream, one 64 KiB block at a time. Every block is
/// authenticated before any of its bytes are returned; a wrong key or a changed block throws
/// <see cref="CryptographicException"/> (use <see cref="RcloneCryptFile"/> to never leave half-written output).
/// </summary>
public sealed class RcloneDecryptingStream : Stream
{
    private const int SealedBlockSize = RcloneCryptFormat.BlockSize + RcloneCryptFormat.TagSize;
    private readonly Stream _encrypted;
    private readonly bool _leaveOpen;
    private readonly SecretBox _box;
    private readonly byte[] _nonce = new byte[RcloneCryptFormat.NonceSize];
    private readonly byte[] _sealed = new byte[SealedBlockSize];
    private readonly byte[] _plain = new byte[RcloneCryptFormat.BlockSize];
    private int _plainStart, _plainEnd;
    private long _block, _position;
    private bool _headerRead, _ended;

    public RcloneDecryptingStream(Stream encrypted, ReadOnlySpan<byte> dataKey, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        RcloneCryptFormat.CheckKey(dataKey);
        _encrypted = encrypted;
        _leaveOpen = leaveOpen;
        _box = new SecretBox(dataKey.ToArray());
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0) return 0;
        if (!_headerRead) CheckHeader(Fill(RcloneCryptFormat.HeaderSize));
        if (_plainStart == _plainEnd && !_ended) OpenBlock(Fill(SealedBlockSize));
        return Copy(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return 0;
        if (!_headerRead) CheckHeader(await FillAsync(RcloneCryptFormat.HeaderSize, cancellationToken).ConfigureAwait(false));
        if (_plainStart == _plainEnd && !_ended) OpenBlock(await FillAsync(SealedBlockSize, cancellationToken).ConfigureAwait(false));
        return Copy(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Fill(int wanted)
    {
        var got = 0;
        while (got < wanted)
        {
            var n = _encrypted.Read(_sealed, got, wanted - got);
            if (n == 0) break;
            got += n;
        }
        return got;
    }

    private async ValueTask<int> FillAsync(int wanted, CancellationToken cancellationToken)
    {
        var got = 0;
        while (got < wanted)
        {
            var n = await _encrypted.ReadAsync(_sealed.AsMemory(got, wanted - got), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            got += n;
        }
        return got;
    }

    private void CheckHeader(int got)
    {
        if (got < RcloneCryptFormat.HeaderSize || !_sealed.AsSpan(0, RcloneCryptFormat.Magic.Length).SequenceEqual(RcloneCryptFormat.Magic))
            throw new CryptographicException(RcloneCryptErrors.NotCrypt);
        _sealed.AsSpan(RcloneCryptFormat.Magic.Length, RcloneCryptFormat.NonceSize).CopyTo(_nonce);
        _headerRead = true;
    }

    private void OpenBlock(int got)
    {
        if (got == 0)
        {
            _ended = true;
            return;
        }
        if (got <= RcloneCryptFormat.TagSize) throw new CryptographicException(RcloneCryptErrors.CutShort);
        if (!_box.TryOpen(_nonce, _sealed.AsSpan(0, got), _plain))
            throw new CryptographicException(RcloneCryptErrors.Authentication(_block));
        SecretBox.Increment(_nonce);
        _block++;
        (_plainStart, _plainEnd) = (0, got - RcloneCryptFormat.TagSize);
        if (got < SealedBlockSize) _ended = true; // a short block is the last one
    }

    private int Copy(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _plainEnd - _plainStart);
        _plain.AsSpan(_plainStart, n).CopyTo(buffer);
        _plainStart += n;
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen) _encrypted.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_leaveOpen) await _encrypted.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
