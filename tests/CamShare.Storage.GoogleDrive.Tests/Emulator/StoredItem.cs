using System.Globalization;
using System.Text.Json.Nodes;

namespace CamShare.Storage.GoogleDrive.Tests.Emulator;

/// <summary>A file or folder the emulator holds; content lives in a file on disk (bounded memory for big uploads).</summary>
internal sealed class StoredItem
{
    public const string FolderMimeType = "application/vnd.google-apps.folder";

    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string MimeType { get; set; }
    public List<string> Parents { get; init; } = [];
    public DateTimeOffset CreatedTime { get; init; }
    public DateTimeOffset ModifiedTime { get; set; }
    /// <summary>files.list shows the item only from this moment (Drive's listing is eventually consistent).</summary>
    public DateTimeOffset ListedFrom { get; set; }
    public bool Trashed { get; set; }
    public string? ContentPath { get; set; }
    public long Size { get; set; }
    public string? Md5 { get; set; }
    public string? Sha1 { get; set; }
    public string? Sha256 { get; set; }
    public long Version { get; set; } = 1;
    public List<JsonObject> Permissions { get; } = [];

    public bool IsFolder => MimeType == FolderMimeType;

    /// <summary>The full File resource; the request's fields mask selects from it.</summary>
    public JsonObject ToJson(string baseUrl)
    {
        var json = new JsonObject
        {
            ["kind"] = "drive#file",
            ["id"] = Id,
            ["name"] = Name,
            ["mimeType"] = MimeType,
            ["parents"] = new JsonArray(Parents.Select(p => (JsonNode)p).ToArray()),
            ["trashed"] = Trashed,
            ["explicitlyTrashed"] = Trashed,
            ["createdTime"] = Time(CreatedTime),
            ["modifiedTime"] = Time(ModifiedTime),
            ["version"] = Version.ToString(CultureInfo.InvariantCulture),
            ["spaces"] = new JsonArray("drive"),
            ["starred"] = false,
            ["shared"] = Permissions.Count > 0,
            ["webViewLink"] = $"{baseUrl}file/d/{Id}/view",
        };
        if (!IsFolder)
        {
            json["size"] = Size.ToString(CultureInfo.InvariantCulture);
            json["md5Checksum"] = Md5;
            json["sha1Checksum"] = Sha1;
            json["sha256Checksum"] = Sha256;
            json["webContentLink"] = $"{baseUrl}uc?id={Id}&export=download";
            json["quotaBytesUsed"] = Size.ToString(CultureInfo.InvariantCulture);
        }
        return json;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>An open resumable upload session.</summary>
internal sealed class UploadSession
{
    public required string Id { get; init; }
    /// <summary>Opening order, for tests that look at "the sessions since".</summary>
    public long Sequence { get; init; }
    public required string ContentPath { get; init; }
    /// <summary>Set for files.update (new content for this file); null for files.create.</summary>
    public string? TargetId { get; init; }
    public JsonObject Metadata { get; init; } = [];
    public string? ContentType { get; init; }
    public long? DeclaredLength { get; set; }
    public string? Fields { get; init; }
    public long Committed { get; set; }
    public string? CompletedId { get; set; }
    /// <summary>Every byte that arrived in a request body, resends included: proves a resume did not start over.</summary>
    public long BytesOnWire { get; set; }
    public List<long> ChunkStarts { get; } = [];
}
