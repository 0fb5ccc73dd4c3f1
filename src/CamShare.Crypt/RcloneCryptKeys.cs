using System.Text;
using Org.BouncyCastle.Crypto.Generators;

namespace CamShare.Crypt;

/// <summary>
/// The 80 bytes rclone crypt derives from a remote's passwords: scrypt(password, salt, N=16384, r=8, p=1).
/// Bytes 0..31 key the content, 32..63 the names (AES-256), 64..79 are the names' EME tweak. The salt is
/// password2's UTF-8 bytes, or rclone's fixed default salt when password2 is empty; an empty password gives
/// all-zero keys, as in rclone.
/// </summary>
public sealed class RcloneCryptKeys
{
    public const int DataKeyLength = 32;
    private const int NameKeyLength = 32;
    private const int TweakLength = 16;

    // rclone's built-in salt, used when a remote has no password2.
    private static readonly byte[] DefaultSalt =
        [0xA8, 0x0D, 0xF4, 0x3A, 0x8F, 0xBD, 0x03, 0x08, 0xA7, 0xCA, 0xB8, 0x3E, 0x58, 0x1F, 0x86, 0xB1];

    private RcloneCryptKeys(byte[] all)
    {
        DataKey = all[..DataKeyLength];
        NameKey = all[DataKeyLength..(DataKeyLength + NameKeyLength)];
        NameTweak = all[(DataKeyLength + NameKeyLength)..];
    }

    /// <summary>Keys the content (XSalsa20-Poly1305); also the viewer's viewing key.</summary>
    public byte[] DataKey { get; }

    /// <summary>Keys name encryption (AES-256 inside EME).</summary>
    public byte[] NameKey { get; }

    /// <summary>EME's tweak for name encryption.</summary>
    public byte[] NameTweak { get; }

    /// <summary>Derives the keys from <em>plain</em> passwords (see <see cref="RcloneObscure.Reveal"/> for the
    /// obscured form rclone.conf holds). Costs tens of milliseconds: derive once, keep the result.</summary>
    public static RcloneCryptKeys Derive(string password, string? password2 = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        const int length = DataKeyLength + NameKeyLength + TweakLength;
        if (password.Length == 0) return new RcloneCryptKeys(new byte[length]);
        var salt = string.IsNullOrEmpty(password2) ? DefaultSalt : Encoding.UTF8.GetBytes(password2);
        return new RcloneCryptKeys(SCrypt.Generate(Encoding.UTF8.GetBytes(password), salt, 16384, 8, 1, length));
    }
}
