namespace CamShare.Crypt;

/// <summary>The messages of the format's errors, said the same way everywhere (never with a key or password).</summary>
internal static class RcloneCryptErrors
{
    public const string NotCrypt = "not an rclone crypt file (no RCLONE header)";
    public const string CutShort = "the encrypted file is cut short (its last block is incomplete)";

    public static string Authentication(long block) =>
        $"authentication failed at block {block}: wrong password (or password2), or the file was changed";
}
