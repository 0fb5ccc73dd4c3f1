namespace CamShare.Crypt;

/// <summary>The data key alone (what the viewer needs to read content and indexes).</summary>
public static class RcloneCryptKey
{
    /// <summary>
    /// The 32-byte data key for a crypt remote's <em>plain</em> (not obscured) password and password2.
    /// An empty password gives rclone's all-zero key, as rclone does.
    /// </summary>
    public static byte[] DeriveDataKey(string password, string? password2 = null) =>
        RcloneCryptKeys.Derive(password, password2).DataKey;
}
