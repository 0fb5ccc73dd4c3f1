using System.Text;
using Org.BouncyCastle.Crypto.Generators;

namespace CamShare.Viewer.Tests.Fixtures;

/// <summary>
/// The real rclone with a crypt remote over a local folder (names off → ".bin", like the host's index objects),
/// configured only through environment variables. The data key is computed here independently of the product
/// code: scrypt(password, rclone's default salt, 16384, 8, 1, 80)[0..32].
/// </summary>
internal sealed class RcloneCrypt
{
    private static readonly byte[] RcloneDefaultSalt =
        [0xA8, 0x0D, 0xF4, 0x3A, 0x8F, 0xBD, 0x03, 0x08, 0xA7, 0xCA, 0xB8, 0x3E, 0x58, 0x1F, 0x86, 0xB1];

    private readonly Dictionary<string, string> _environment;

    private RcloneCrypt(string encryptedRoot, string password, string obscured)
    {
        EncryptedRoot = encryptedRoot;
        Password = password;
        _environment = new()
        {
            ["RCLONE_CONFIG"] = "/dev/null",
            ["RCLONE_CONFIG_VIEWERCRYPT_TYPE"] = "crypt",
            ["RCLONE_CONFIG_VIEWERCRYPT_REMOTE"] = encryptedRoot,
            ["RCLONE_CONFIG_VIEWERCRYPT_FILENAME_ENCRYPTION"] = "off",
            ["RCLONE_CONFIG_VIEWERCRYPT_DIRECTORY_NAME_ENCRYPTION"] = "false",
            ["RCLONE_CONFIG_VIEWERCRYPT_PASSWORD"] = obscured,
        };
    }

    /// <summary>The folder rclone writes ciphertext into.</summary>
    public string EncryptedRoot { get; }

    public string Password { get; }

    public byte[] DataKey => SCrypt.Generate(Encoding.UTF8.GetBytes(Password), RcloneDefaultSalt, 16384, 8, 1, 80)[..32];

    public static async Task<RcloneCrypt> CreateAsync(string encryptedRoot, string password)
    {
        Directory.CreateDirectory(encryptedRoot);
        var obscured = (await Tools.RunAsync("rclone", ["obscure", password])).Trim();
        return new RcloneCrypt(encryptedRoot, password, obscured);
    }

    /// <summary>Encrypts a local file to <paramref name="remotePath"/> (stored as remotePath + ".bin").</summary>
    public Task PutAsync(string localFile, string remotePath) =>
        Tools.RunAsync("rclone", ["copyto", localFile, $"viewercrypt:{remotePath}"], _environment);

    /// <summary>Decrypts a stored object back (to check the C# side against rclone).</summary>
    public async Task<byte[]> CatAsync(string remotePath)
    {
        var file = Path.GetTempFileName();
        try
        {
            await Tools.RunAsync("rclone", ["copyto", $"viewercrypt:{remotePath}", file], _environment);
            return await File.ReadAllBytesAsync(file);
        }
        finally { File.Delete(file); }
    }
}
