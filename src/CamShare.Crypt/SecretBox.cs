using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace CamShare.Crypt;

/// <summary>NaCl secretbox (XSalsa20-Poly1305, the 16-byte tag first) for one block, with BouncyCastle's primitives.</summary>
internal sealed class SecretBox(byte[] key)
{
    public const int TagSize = 16;
    private readonly XSalsa20Engine _stream = new();
    private readonly Poly1305 _mac = new();
    private readonly byte[] _macKey = new byte[32];

    /// <summary>Seals <paramref name="plain"/> into <paramref name="output"/> (tag + ciphertext).</summary>
    public void Seal(byte[] nonce, ReadOnlySpan<byte> plain, Span<byte> output)
    {
        Start(nonce);
        var cipher = output.Slice(TagSize, plain.Length);
        _stream.ProcessBytes(plain, cipher);
        Tag(cipher, output[..TagSize]);
    }

    /// <summary>Opens a sealed block into <paramref name="plain"/>; false when its tag does not match.</summary>
    public bool TryOpen(byte[] nonce, ReadOnlySpan<byte> sealedBlock, Span<byte> plain)
    {
        Start(nonce);
        Span<byte> tag = stackalloc byte[TagSize];
        Tag(sealedBlock[TagSize..], tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, sealedBlock[..TagSize])) return false;
        _stream.ProcessBytes(sealedBlock[TagSize..], plain);
        return true;
    }

    // The first 32 bytes of the XSalsa20 stream key Poly1305; the stream after them encrypts.
    private void Start(byte[] nonce)
    {
        _stream.Init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        Array.Clear(_macKey);
        _stream.ProcessBytes(_macKey, _macKey);
    }

    private void Tag(ReadOnlySpan<byte> cipher, Span<byte> tag)
    {
        _mac.Init(new KeyParameter(_macKey));
        _mac.BlockUpdate(cipher);
        _mac.DoFinal(tag);
    }

    /// <summary>rclone's per-block nonce step: the 24 bytes as a little-endian counter, +1.</summary>
    public static void Increment(byte[] nonce)
    {
        for (var i = 0; i < nonce.Length && ++nonce[i] == 0; i++) { }
    }
}
