using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace CamShare.Viewer;

/// <summary>
/// rclone's crypt file format, for the small index objects the host writes itself (segments go through the
/// storage's own encryption): <c>RCLONE\0\0</c> + 24-byte random nonce + 64 KiB plaintext blocks, each sealed
/// with NaCl secretbox (XSalsa20-Poly1305, 16-byte tag first), the nonce a little-endian counter +1 per block.
/// </summary>
public static class RcloneCryptFormat
{
    private static readonly byte[] Magic = "RCLONE\0\0"u8.ToArray();
    private const int HeaderSize = 32;
    private const int TagSize = 16;
    private const int BlockSize = 64 * 1024;

    /// <summary>The stored size of <paramref name="plainSize"/> bytes: 32 + n + 16·ceil(n/65536).</summary>
    public static long EncryptedSize(long plainSize) => HeaderSize + plainSize + TagSize * ((plainSize + BlockSize - 1) / BlockSize);

    /// <summary>Encrypts a whole (small) object with the data key and a fresh random nonce.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> plain, ReadOnlySpan<byte> dataKey)
    {
        CheckKey(dataKey);
        var stored = new byte[EncryptedSize(plain.Length)];
        Magic.CopyTo(stored, 0);
        RandomNumberGenerator.Fill(stored.AsSpan(8, 24));
        var nonce = stored.AsSpan(8, 24).ToArray();
        var key = dataKey.ToArray();
        for (int from = 0, to = HeaderSize; from < plain.Length; from += BlockSize)
        {
            var block = plain.Slice(from, Math.Min(BlockSize, plain.Length - from));
            Seal(key, nonce, block, stored.AsSpan(to, TagSize + block.Length));
            to += TagSize + block.Length;
            Increment(nonce);
        }
        return stored;
    }

    /// <summary>Decrypts a whole object; throws <see cref="CryptographicException"/> when it is not one, or any
    /// block fails authentication (wrong key or changed bytes).</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> stored, ReadOnlySpan<byte> dataKey)
    {
        CheckKey(dataKey);
        if (stored.Length < HeaderSize || !stored[..8].SequenceEqual(Magic))
            throw new CryptographicException("not an rclone crypt object");
        var body = stored.Length - HeaderSize;
        var last = body % (BlockSize + TagSize);
        if (last is > 0 and <= TagSize) throw new CryptographicException("the last block is cut short");
        var plain = new byte[body / (BlockSize + TagSize) * BlockSize + (last > 0 ? last - TagSize : 0)];
        var nonce = stored.Slice(8, 24).ToArray();
        var key = dataKey.ToArray();
        for (int from = HeaderSize, to = 0; from < stored.Length;)
        {
            var sealedBlock = stored.Slice(from, Math.Min(BlockSize + TagSize, stored.Length - from));
            Open(key, nonce, sealedBlock, plain.AsSpan(to, sealedBlock.Length - TagSize));
            from += sealedBlock.Length;
            to += sealedBlock.Length - TagSize;
            Increment(nonce);
        }
        return plain;
    }

    private static void Seal(byte[] key, byte[] nonce, ReadOnlySpan<byte> plain, Span<byte> output)
    {
        var stream = Stream(key, nonce, out var macKey);
        var cipher = output[TagSize..];
        stream.ProcessBytes(plain, cipher);
        Mac(macKey, cipher, output[..TagSize]);
    }

    private static void Open(byte[] key, byte[] nonce, ReadOnlySpan<byte> sealedBlock, Span<byte> plain)
    {
        var stream = Stream(key, nonce, out var macKey);
        Span<byte> tag = stackalloc byte[TagSize];
        Mac(macKey, sealedBlock[TagSize..], tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, sealedBlock[..TagSize]))
            throw new CryptographicException("a block failed authentication (wrong key, or the object was changed)");
        stream.ProcessBytes(sealedBlock[TagSize..], plain);
    }

    // Secretbox: the first 32 bytes of the XSalsa20 stream key Poly1305; the rest encrypts.
    private static XSalsa20Engine Stream(byte[] key, byte[] nonce, out byte[] macKey)
    {
        var engine = new XSalsa20Engine();
        engine.Init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        macKey = new byte[32];
        engine.ProcessBytes(macKey, 0, 32, macKey, 0);
        return engine;
    }

    private static void Mac(byte[] macKey, ReadOnlySpan<byte> data, Span<byte> tag)
    {
        var poly = new Poly1305();
        poly.Init(new KeyParameter(macKey));
        poly.BlockUpdate(data);
        poly.DoFinal(tag);
    }

    private static void Increment(byte[] nonce)
    {
        for (var i = 0; i < nonce.Length && ++nonce[i] == 0; i++) { }
    }

    private static void CheckKey(ReadOnlySpan<byte> dataKey)
    {
        if (dataKey.Length != ShareLink.KeyLength)
            throw new ArgumentException($"the data key must be {ShareLink.KeyLength} bytes", nameof(dataKey));
    }
}
