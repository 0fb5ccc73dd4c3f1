using System.Text;
using Org.BouncyCastle.Crypto.Generators;

namespace CamShare.Viewer;

/// <summary>
/// rclone crypt's key derivation: scrypt(password, salt, N=16384, r=8, p=1) → 80 bytes, of which bytes 0..31
/// are the data key (the viewing key), 32..63 the name key and 64..79 the name tweak. The salt is password2's
/// UTF-8 bytes, or rclone's fixed default salt when password2 is empty.
/// </summary>
public static class RcloneCryptKey
{
    // rclone's built-in salt (backend/crypt/cipher.go), used when a remote has no password2.
    private static readonly byte[] DefaultSalt =
        [0xA8, 0x0D, 0xF4, 0x3A, 0x8F, 0xBD, 0x03, 0x08, 0xA7, 0xCA, 0xB8, 0x3E, 0x58, 0x1F, 0x86, 0xB1];

    /// <summary>
    /// The 32-byte data key for a crypt remote's <em>plain</em> (not obscured) password and password2.
    /// An empty password gives rclone's all-zero key, as rclone does.
    /// </summary>
    public static byte[] DeriveDataKey(string password, string? password2 = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length == 0) return new byte[ShareLink.KeyLength];
        var salt = string.IsNullOrEmpty(password2) ? DefaultSalt : Encoding.UTF8.GetBytes(password2);
        var all = SCrypt.Generate(Encoding.UTF8.GetBytes(password), salt, 16384, 8, 1, 80);
        return all[..ShareLink.KeyLength];
    }
}
