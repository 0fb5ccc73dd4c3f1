using System.Security.Cryptography;

namespace CamShare.Storage.Conformance;

/// <summary>Deterministic pseudo-random content of any length, generated on the fly (never held in memory).</summary>
public sealed class GeneratedStream : Stream
{
    private readonly long _length;
    private readonly ulong _seed;
    private long _position;
    private readonly long _gateAt;
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reachedGate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="length">Total bytes.</param>
    /// <param name="seed">Different seeds give different content.</param>
    /// <param name="gateAt">Reads stop after this many bytes until <see cref="Release"/> (-1: never stop).</param>
    public GeneratedStream(long length, int seed, long gateAt = -1)
    {
        _length = length;
        _seed = (ulong)seed * 0x9E3779B97F4A7C15UL + 1;
        _gateAt = gateAt;
        if (gateAt < 0) _gate.TrySetResult();
    }

    /// <summary>Completes when the reader has consumed everything up to the gate.</summary>
    public Task ReachedGate => _reachedGate.Task;

    /// <summary>Lets reads continue past the gate.</summary>
    public void Release() => _gate.TrySetResult();

    /// <summary>Makes reads waiting at (or arriving at) the gate fail as cancelled.</summary>
    public void Abort() => _gate.TrySetCanceled();

    /// <summary>The MD5 of <paramref name="length"/> bytes of this content, computed without storing it.</summary>
    public static string Md5Of(long length, int seed)
    {
        using var stream = new GeneratedStream(length, seed);
        using var md5 = MD5.Create();
        return Convert.ToHexStringLower(md5.ComputeHash(stream));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var limit = WaitForGate();
        return Fill(buffer, limit);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= _gateAt && !_gate.Task.IsCompleted)
        {
            _reachedGate.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        return Fill(buffer.Span, _gate.Task.IsCompletedSuccessfully ? _length : _gateAt);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private long WaitForGate()
    {
        if (_position >= _gateAt && !_gate.Task.IsCompleted)
        {
            _reachedGate.TrySetResult();
            _gate.Task.GetAwaiter().GetResult();
        }
        return _gate.Task.IsCompletedSuccessfully ? _length : _gateAt;
    }

    private int Fill(Span<byte> buffer, long limit)
    {
        if (_gate.Task.IsCanceled) throw new OperationCanceledException("upload aborted by the test");
        var n = (int)Math.Min(buffer.Length, Math.Max(0, Math.Min(limit, _length) - _position));
        for (var i = 0; i < n; i++) buffer[i] = ByteAt(_position + i);
        _position += n;
        return n;
    }

    private byte ByteAt(long index)
    {
        // SplitMix64 of the 8-byte word index: fast, deterministic, incompressible enough for transfer tests.
        var z = _seed + (ulong)(index >> 3) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (byte)(z >> (int)((index & 7) * 8));
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
