namespace CamShare.Storage.GoogleDrive;

/// <summary>Builds files.list <c>q</c> expressions; string literals escape <c>\</c> and <c>'</c> as Drive documents.</summary>
internal static class DriveQuery
{
    public const string FileFields = "id,name,mimeType,size,md5Checksum,modifiedTime,createdTime";
    public const string ListFields = "nextPageToken,files(" + FileFields + ")";

    public static string Literal(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    public static string Children(string parentId) => $"{Literal(parentId)} in parents and trashed = false";

    public static string Named(string parentId, string name, bool folder) =>
        $"name = {Literal(name)} and {Children(parentId)} and mimeType {(folder ? "=" : "!=")} {Literal(Api.DriveFile.FolderMimeType)}";
}
