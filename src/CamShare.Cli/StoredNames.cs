using CamShare.Core.Configuration;

namespace CamShare.Cli;

/// <summary>
/// How a storage names a plain folder: the camera folder `share` links to. Seam for name encryption: with
/// rclone's filenameEncryption "standard" and directory name encryption, the integrator maps each folder name
/// with the encryption transform's name cipher here. Until then names are stored as they are (filenameEncryption "off").
/// </summary>
internal static class StoredNames
{
    public static string FolderOf(StorageSettings storage, string plainFolder) => plainFolder;
}
