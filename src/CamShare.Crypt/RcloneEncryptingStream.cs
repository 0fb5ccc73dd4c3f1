namespace CamShare.Crypt;

/// <summary>
/// A read-only stream of the rclone crypt bytes of a plaintext stream, made one 64 KiB block at a time (bounded
/// memory). The nonce is given, so opening it again over the same plaintext yields the same bytes: a retried
/// upload sends exactly what the first try sent, and <see cref="Length"/> is known before the first byte.
/// </summary>
public sealed class RcloneEncryptingStream : Stream
{
    private const int SealedBlockSize = RcloneCryptFormat.BlockSize + RcloneCryptFormat.TagSize;
    private readonly Stream _plain;
    private readonly bool _leaveOpen;
    private readonly long _plainLength;
    private readonly SecretBox _box;
    private readonly byte[] _nonce;
    private readonly byte[] _plainBlock = new byte[RcloneCryptFormat.BlockSize];
    private readonly byte[] _output = new byte[Math.Max(SealedBlockSize, RcloneCryptFormat.HeaderSize)];
    private int _outputStart, _outputEnd;
    private long _plainRead, _position;
    private bool _headerDone;

    /// <param name="plain">The plaintext, read from its current position.</param>
    /// <param name="dataKey">The 32-byte data key (<see cref="RcloneCryptKeys.DataKey"/>).</param>
    /// <param name="nonce">The object's 24-byte nonce (<see cref="RcloneCryptFormat.NewNonce"/>); fixed per object.</param>
    /// <param name="plainLength">How many plaintext bytes to encrypt; the plaintext must have exactly these.</param>
    public RcloneEncryptingStream(Stream plain, ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> nonce, long plainLength, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(plain);
        RcloneCryptFormat.CheckKey(dataKey);
        if (nonce.Length != RcloneCryptFormat.NonceSize)
            throw new ArgumentException($"the nonce must be {RcloneCryptFormat.NonceSize} bytes", nameof(nonce));
        ArgumentOutOfRangeException.ThrowIfNegative(plainLength);
        _plain = plain;
        _leaveOpen = leaveOpen;
        _plainLength = plainLength;
        _box = new SecretBox(dataKey.ToArray());
        _nonce = nonce.ToArray();
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => RcloneCryptFormat.EncryptedSize(_plainLength);
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_outputStart == _outputEnd && !NextHeader())
        {
            var wanted = PlainBlockSize();
            if (wanted == 0) return 0;
            var got = 0;
            while (got < wanted)
            {
                var n = _plain.Read(_plainBlock, got, wanted - got);
                if (n == 0) throw Shrunk(got);
                got += n;
            }
            SealBlock(wanted);
        }
        return Copy(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_outputStart == _outputEnd && !NextHeader())
        {
            var wanted = PlainBlockSize();
            if (wanted == 0) return 0;
            var got = 0;
            while (got < wanted)
            {
                var n = await _plain.ReadAsync(_plainBlock.AsMemory(got, wanted - got), cancellationToken).ConfigureAwait(false);
                if (n == 0) throw Shrunk(got);
                got += n;
            }
            SealBlock(wanted);
        }
        return Copy(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private bool NextHeader()
    {
        if (_headerDone) return false;
        _headerDone = true;
        RcloneCryptFormat.Magic.CopyTo(_output);
        _nonce.CopyTo(_output, RcloneCryptFormat.Magic.Length);
        (_outputStart, _outputEnd) = (0, RcloneCryptFormat.HeaderSize);
        return true;
    }

    private int PlainBlockSize() => (int)Math.Min(RcloneCryptFormat.BlockSize, _plainLength - _plainRead);

    private void SealBlock(int length)
    {
        _box.Seal(_nonce, _plainBlock.AsSpan(0, length), _output);
        SecretBox.Increment(_nonce);
        _plainRead += length;
        (_outputStart, _outputEnd) = (0, RcloneCryptFormat.TagSize + length);
    }

    private int Copy(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _outputEnd - _outputStart);
        _output.AsSpan(_outputStart, n).CopyTo(buffer);
        _outputStart += n;
        _position += n;
        return n;
    }

    // The length was promised up front (it is what the provider verifies), so a plaintext that ends early is an error.
    private IOException Shrunk(int got) =>
        new($"the plaintext ended after {_plainRead + got} of its {_plainLength} bytes while being encrypted");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen) _plain.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_leaveOpen) await _plain.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
