using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CamShare.Crypt;

/// <summary>
/// rclone's "obscured" password form (what rclone.conf and `rclone obscure` hold): base64url without padding of
/// a random 16-byte IV followed by the UTF-8 password under AES-256-CTR with a key fixed in rclone's source.
/// Obscuring hides a password from a glance, it does not protect it.
/// </summary>
public static class RcloneObscure
{
    // The fixed key from rclone's fs/config/obscure.
    private static readonly byte[] FixedKey =
    [
        0x9c, 0x93, 0x5b, 0x48, 0x73, 0x0a, 0x55, 0x4d, 0x6b, 0xfd, 0x7c, 0x63, 0xc8, 0x86, 0xa9, 0x2b,
        0xd3, 0x90, 0x19, 0x8e, 0xb8, 0x12, 0x8a, 0xfb, 0xf4, 0xde, 0x16, 0x2b, 0x8b, 0x95, 0xf6, 0x38,
    ];

    private const int IvLength = 16;

    /// <summary>The obscured form of <paramref name="password"/>, readable by `rclone reveal` and rclone.conf.</summary>
    public static string Obscure(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var plain = Encoding.UTF8.GetBytes(password);
        var output = new byte[IvLength + plain.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, IvLength));
        Ctr(output.AsSpan(0, IvLength), plain, output.AsSpan(IvLength));
        return Base64Url.EncodeToString(output);
    }

    /// <summary>The plain password of an obscured one.</summary>
    /// <exception cref="FormatException">Not an obscured password (the message never contains the input).</exception>
    public static string Reveal(string obscured)
    {
        ArgumentNullException.ThrowIfNull(obscured);
        byte[] bytes;
        try { bytes = Base64Url.DecodeFromChars(obscured.Trim()); }
        catch (FormatException) { throw new FormatException("not an rclone obscured password (not base64url); paste the value `rclone obscure` printed"); }
        if (bytes.Length < IvLength) throw new FormatException("not an rclone obscured password (too short)");
        var plain = new byte[bytes.Length - IvLength];
        Ctr(bytes.AsSpan(0, IvLength), bytes.AsSpan(IvLength), plain);
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(plain); }
        catch (DecoderFallbackException) { throw new FormatException("not an rclone obscured password (does not reveal to text)"); }
    }

    // AES-CTR with a big-endian 128-bit counter starting at the IV (Go's cipher.NewCTR); the BCL has no CTR mode.
    private static void Ctr(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        using var aes = Aes.Create();
        aes.Key = FixedKey;
        Span<byte> counter = stackalloc byte[IvLength];
        Span<byte> stream = stackalloc byte[IvLength];
        iv.CopyTo(counter);
        for (var offset = 0; offset < input.Length; offset += IvLength)
        {
            aes.EncryptEcb(counter, stream, PaddingMode.None);
            var n = Math.Min(IvLength, input.Length - offset);
            for (var i = 0; i < n; i++) output[offset + i] = (byte)(input[offset + i] ^ stream[i]);
            for (var i = IvLength - 1; i >= 0 && ++counter[i] == 0; i--) { }
        }
    }
}
