using System.Security.Cryptography;

namespace CamShare.Crypt;

/// <summary>
/// EME (ECB-Mix-ECB, Halevi and Rogaway), the wide-block mode rclone encrypts names with: a whole name is one
/// block, so equal names encrypt equally (listing works) while any change alters all of it. AES in ECB from the
/// BCL is the block cipher; multiplication by 2 is in GF(2^128) with the bytes taken little-endian.
/// </summary>
internal sealed class Eme(byte[] key)
{
    private const int Block = 16;
    private const int MaxBlocks = Block * 8;
    private readonly Aes _aes = CreateAes(key);
    private readonly Lock _lock = new();

    public byte[] Encrypt(ReadOnlySpan<byte> tweak, ReadOnlySpan<byte> data) => Transform(tweak, data, encrypt: true);

    public byte[] Decrypt(ReadOnlySpan<byte> tweak, ReadOnlySpan<byte> data) => Transform(tweak, data, encrypt: false);

    private byte[] Transform(ReadOnlySpan<byte> tweak, ReadOnlySpan<byte> data, bool encrypt)
    {
        if (tweak.Length != Block) throw new ArgumentException("the tweak must be 16 bytes", nameof(tweak));
        var m = data.Length / Block;
        if (data.Length % Block != 0 || m is 0 or > MaxBlocks)
            throw new ArgumentException($"EME takes 1 to {MaxBlocks} whole 16-byte blocks", nameof(data));
        lock (_lock)
        {
            var masks = Masks(m);
            var output = new byte[data.Length];
            // First ECB layer, each block masked with its own multiple of L.
            for (var j = 0; j < m; j++)
            {
                var block = output.AsSpan(j * Block, Block);
                Xor(data.Slice(j * Block, Block), masks[j], block);
                Cipher(block, encrypt);
            }
            // The mix: MP = T ⊕ all blocks; MC = E(MP); blocks 2..m absorb successive doublings of MP ⊕ MC.
            Span<byte> mp = stackalloc byte[Block];
            tweak.CopyTo(mp);
            for (var j = 0; j < m; j++) Xor(mp, output.AsSpan(j * Block, Block), mp);
            Span<byte> mc = stackalloc byte[Block];
            mp.CopyTo(mc);
            Cipher(mc, encrypt);
            Span<byte> mixer = stackalloc byte[Block];
            Xor(mp, mc, mixer);
            for (var j = 1; j < m; j++)
            {
                Double(mixer);
                var block = output.AsSpan(j * Block, Block);
                Xor(block, mixer, block);
            }
            // The first block becomes MC ⊕ T ⊕ the other (mixed) blocks.
            var first = output.AsSpan(0, Block);
            Xor(mc, tweak, first);
            for (var j = 1; j < m; j++) Xor(first, output.AsSpan(j * Block, Block), first);
            // Second ECB layer, unmasked with the same multiples of L.
            for (var j = 0; j < m; j++)
            {
                var block = output.AsSpan(j * Block, Block);
                Cipher(block, encrypt);
                Xor(block, masks[j], block);
            }
            return output;
        }
    }

    // L = E(0); the j-th block's mask is 2^(j+1)·L. Always the encryption direction.
    private byte[][] Masks(int m)
    {
        var l = new byte[Block];
        _aes.EncryptEcb(l, l, PaddingMode.None);
        var masks = new byte[m][];
        for (var j = 0; j < m; j++)
        {
            Double(l);
            masks[j] = (byte[])l.Clone();
        }
        return masks;
    }

    private void Cipher(Span<byte> block, bool encrypt)
    {
        if (encrypt) _aes.EncryptEcb(block, block, PaddingMode.None);
        else _aes.DecryptEcb(block, block, PaddingMode.None);
    }

    // Multiplication by x in GF(2^128), little-endian bytes, reduction polynomial x^128 + x^7 + x^2 + x + 1 (135).
    private static void Double(Span<byte> value)
    {
        var carry = value[Block - 1] >= 0x80;
        for (var j = Block - 1; j > 0; j--) value[j] = (byte)((value[j] << 1) | (value[j - 1] >> 7));
        value[0] = (byte)((value[0] << 1) ^ (carry ? 135 : 0));
    }

    private static void Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> into)
    {
        for (var i = 0; i < Block; i++) into[i] = (byte)(a[i] ^ b[i]);
    }

    private static Aes CreateAes(byte[] key)
    {
        var aes = Aes.Create();
        aes.Key = key;
        return aes;
    }
}
