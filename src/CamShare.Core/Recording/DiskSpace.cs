namespace CamShare.Core.Recording;

/// <summary>Free space of the file system holding a folder.</summary>
public static class DiskSpace
{
    /// <summary>Bytes available to this user, or null when it cannot be told.</summary>
    public static long? FreeBytes(string folder)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
