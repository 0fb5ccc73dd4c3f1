using Google.Apis.Requests;
using Newtonsoft.Json;

namespace CamShare.Storage.GoogleDrive.Api;

/// <summary>The fields of Drive v3's File resource this plugin reads or writes.</summary>
internal sealed class DriveFile : IDirectResponseSchema
{
    public const string FolderMimeType = "application/vnd.google-apps.folder";

    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("name")] public string? Name { get; set; }
    [JsonProperty("mimeType")] public string? MimeType { get; set; }
    [JsonProperty("parents")] public IList<string>? Parents { get; set; }
    [JsonProperty("size")] public long? Size { get; set; }
    [JsonProperty("md5Checksum")] public string? Md5Checksum { get; set; }
    [JsonProperty("sha1Checksum")] public string? Sha1Checksum { get; set; }
    [JsonProperty("sha256Checksum")] public string? Sha256Checksum { get; set; }
    [JsonProperty("modifiedTime")] public string? ModifiedTimeRaw { get; set; }
    [JsonProperty("createdTime")] public string? CreatedTimeRaw { get; set; }
    [JsonProperty("trashed")] public bool? Trashed { get; set; }
    [JsonProperty("webContentLink")] public string? WebContentLink { get; set; }
    [JsonIgnore] public string? ETag { get; set; }

    [JsonIgnore] public bool IsFolder => MimeType == FolderMimeType;

    public static DateTimeOffset? ParseTime(string? raw) =>
        DateTimeOffset.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}

/// <summary>One page of files.list.</summary>
internal sealed class DriveFileList : IDirectResponseSchema
{
    [JsonProperty("nextPageToken")] public string? NextPageToken { get; set; }
    [JsonProperty("incompleteSearch")] public bool? IncompleteSearch { get; set; }
    [JsonProperty("files")] public IList<DriveFile>? Files { get; set; }
    [JsonIgnore] public string? ETag { get; set; }
}

/// <summary>Drive v3's Permission resource (the fields used here).</summary>
internal sealed class DrivePermission : IDirectResponseSchema
{
    [JsonProperty("id")] public string? Id { get; set; }
    [JsonProperty("type")] public string? Type { get; set; }
    [JsonProperty("role")] public string? Role { get; set; }
    [JsonProperty("emailAddress")] public string? EmailAddress { get; set; }
    [JsonProperty("allowFileDiscovery")] public bool? AllowFileDiscovery { get; set; }
    [JsonIgnore] public string? ETag { get; set; }
}

/// <summary>One page of permissions.list.</summary>
internal sealed class DrivePermissionList : IDirectResponseSchema
{
    [JsonProperty("nextPageToken")] public string? NextPageToken { get; set; }
    [JsonProperty("permissions")] public IList<DrivePermission>? Permissions { get; set; }
    [JsonIgnore] public string? ETag { get; set; }
}
