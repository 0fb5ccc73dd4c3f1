using System.Security.Cryptography;

namespace CamShare.Crypt;

/// <summary>
/// rclone's crypt file format: <c>RCLONE\0\0</c> + 24-byte random nonce + 64 KiB plaintext blocks, each sealed
/// with NaCl secretbox (XSalsa20-Poly1305, 16-byte tag first), the nonce a little-endian counter +1 per block.
/// These whole-buffer methods are for small objects; segments go through <see cref="RcloneEncryptingStream"/>.
/// </summary>
public static class RcloneCryptFormat
{
    internal static ReadOnlySpan<byte> Magic => "RCLONE\0\0"u8;
    public const int NonceSize = 24;
    public const int HeaderSize = 8 + NonceSize;
    public const int TagSize = SecretBox.TagSize;
    public const int BlockSize = 64 * 1024;

    /// <summary>The stored size of <paramref name="plainSize"/> bytes: 32 + n + 16·ceil(n/65536).</summary>
    public static long EncryptedSize(long plainSize) => HeaderSize + plainSize + TagSize * ((plainSize + BlockSize - 1) / BlockSize);

    /// <summary>The plaintext size of a stored object of <paramref name="storedSize"/> bytes, or -1 when no
    /// plaintext encrypts to that size (not an rclone crypt object, or cut short).</summary>
    public static long DecryptedSize(long storedSize)
    {
        var body = storedSize - HeaderSize;
        if (body < 0) return -1;
        var last = body % (BlockSize + TagSize);
        if (last is > 0 and <= TagSize) return -1;
        return body / (BlockSize + TagSize) * BlockSize + (last > 0 ? last - TagSize : 0);
    }

    /// <summary>A fresh random nonce for one object.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceSize);

    /// <summary>Encrypts a whole (small) object with the data key and a fresh random nonce.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> plain, ReadOnlySpan<byte> dataKey)
    {
        CheckKey(dataKey);
        var stored = new byte[EncryptedSize(plain.Length)];
        Magic.CopyTo(stored);
        var nonce = NewNonce();
        nonce.CopyTo(stored, Magic.Length);
        var box = new SecretBox(dataKey.ToArray());
        for (int from = 0, to = HeaderSize; from < plain.Length; from += BlockSize)
        {
            var block = plain.Slice(from, Math.Min(BlockSize, plain.Length - from));
            box.Seal(nonce, block, stored.AsSpan(to, TagSize + block.Length));
            to += TagSize + block.Length;
            SecretBox.Increment(nonce);
        }
        return stored;
    }

    /// <summary>Decrypts a whole object; throws <see cref="CryptographicException"/> when it is not one, or any
    /// block fails authentication (wrong key or changed bytes).</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> stored, ReadOnlySpan<byte> dataKey)
    {
        CheckKey(dataKey);
        if (stored.Length < HeaderSize || !stored[..Magic.Length].SequenceEqual(Magic))
            throw new CryptographicException(RcloneCryptErrors.NotCrypt);
        var size = DecryptedSize(stored.Length);
        if (size < 0) throw new CryptographicException(RcloneCryptErrors.CutShort);
        var plain = new byte[size];
        var nonce = stored.Slice(Magic.Length, NonceSize).ToArray();
        var box = new SecretBox(dataKey.ToArray());
        for (int from = HeaderSize, to = 0, block = 0; from < stored.Length; block++)
        {
            var sealedBlock = stored.Slice(from, Math.Min(BlockSize + TagSize, stored.Length - from));
            if (!box.TryOpen(nonce, sealedBlock, plain.AsSpan(to, sealedBlock.Length - TagSize)))
                throw new CryptographicException(RcloneCryptErrors.Authentication(block));
            from += sealedBlock.Length;
            to += sealedBlock.Length - TagSize;
            SecretBox.Increment(nonce);
        }
        return plain;
    }

    internal static void CheckKey(ReadOnlySpan<byte> dataKey)
    {
        if (dataKey.Length != RcloneCryptKeys.DataKeyLength)
            throw new ArgumentException($"the data key must be {RcloneCryptKeys.DataKeyLength} bytes", nameof(dataKey));
    }
}
