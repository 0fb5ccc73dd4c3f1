namespace CamShare.Crypt;

/// <summary>rclone crypt's <c>filename_encryption</c> modes that CamShare writes.</summary>
public enum FileNameEncryption
{
    /// <summary>Names stay readable; ".bin" is appended to each file's name.</summary>
    Off,
    /// <summary>Each path segment encrypted with EME/AES-256, padded (PKCS#7) and base32hex-encoded.</summary>
    Standard,
}
