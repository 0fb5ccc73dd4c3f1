using System.Security.Cryptography;

namespace CamShare.Crypt;

/// <summary>NaCl secretbox (XSalsa20-Poly1305, the 16-byte tag first) for one block, with libsodium's
/// crypto_secretbox_easy through Sodium.Core.</summary>
internal sealed class SecretBox(byte[] key)
{
    public const int TagSize = 16;
    private readonly byte[] _fullBlock = new byte[RcloneCryptFormat.BlockSize];
    private readonly byte[] _fullSealed = new byte[RcloneCryptFormat.BlockSize + TagSize];

    /// <summary>Seals <paramref name="plain"/> into <paramref name="output"/> (tag + ciphertext).</summary>
    public void Seal(byte[] nonce, ReadOnlySpan<byte> plain, Span<byte> output)
    {
        var sealedBlock = Sodium.SecretBox.Create(Exact(plain, _fullBlock), nonce, key);
        sealedBlock.AsSpan().CopyTo(output);
    }

    /// <summary>Opens a sealed block into <paramref name="plain"/>; false when its tag does not match.</summary>
    public bool TryOpen(byte[] nonce, ReadOnlySpan<byte> sealedBlock, Span<byte> plain)
    {
        if (sealedBlock.Length < TagSize) return false;
        byte[] opened;
        try
        {
            opened = Sodium.SecretBox.Open(Exact(sealedBlock, _fullSealed), nonce, key);
        }
        catch (CryptographicException)
        {
            return false;
        }
        opened.AsSpan().CopyTo(plain);
        return true;
    }

    // Sodium.Core takes whole arrays: reuse one for full blocks, allocate only for a file's short last block.
    private static byte[] Exact(ReadOnlySpan<byte> data, byte[] full)
    {
        var array = data.Length == full.Length ? full : new byte[data.Length];
        data.CopyTo(array);
        return array;
    }

    /// <summary>rclone's per-block nonce step: the 24 bytes as a little-endian counter, +1.</summary>
    public static void Increment(byte[] nonce)
    {
        for (var i = 0; i < nonce.Length && ++nonce[i] == 0; i++) { }
    }
}
