using CamShare.Core.Configuration;

namespace CamShare.Core.Retention;

/// <summary>An encrypted storage's stored keys, read with its rclone-crypt name cipher (the transform's own).</summary>
public sealed class CryptStoredKeys(RcloneNameCipher names) : IStoredKeyDecoder
{
    public static CryptStoredKeys For(EncryptionSettings encryption) => new(encryption.CreateCipher().Names);

    public string? PlainKeyOf(string storedKey) => names.TryDecryptFilePath(storedKey);

    // With names off (".bin" only) or plain directory names, the camera folders keep their plain names.
    public bool KeepsPrefixes => names.Mode == FileNameEncryption.Off || !names.DirectoryNameEncryption;
}
