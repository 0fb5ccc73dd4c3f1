using CamShare.Abstractions;

namespace CamShare.Storage.Sftp;

/// <summary>Maps keys onto server paths under the root folder (relative to the login folder, or absolute).</summary>
internal sealed class SftpPaths
{
    private readonly string _prefix; // "", "cams/", "/srv/cams/" or "/"

    public SftpPaths(string? rootFolder)
    {
        var root = (rootFolder ?? "").Trim();
        var absolute = root.StartsWith('/');
        root = root.Trim('/');
        _prefix = absolute ? "/" + (root.Length == 0 ? "" : root + "/") : root.Length == 0 ? "" : root + "/";
    }

    /// <summary>The root folder as the server sees it ("." for the login folder).</summary>
    public string Root => _prefix.Length == 0 ? "." : _prefix == "/" ? "/" : _prefix.TrimEnd('/');

    /// <summary>The server path of a key, or of a folder key ("" is the root).</summary>
    public string Of(string key) => key.Length == 0 ? Root : _prefix + key;

    /// <summary>The server path of the folder holding <paramref name="key"/>.</summary>
    public string FolderOf(string key) => Of(StorageKeys.ParentOf(key));

    /// <summary>Each folder from the top down to <paramref name="folderPath"/> ("a", "a/b"; "/srv", "/srv/a").</summary>
    public static IEnumerable<string> Levels(string folderPath)
    {
        if (folderPath is "." or "/" or "") yield break;
        var absolute = folderPath.StartsWith('/');
        var parts = folderPath.Trim('/').Split('/');
        for (var i = 1; i <= parts.Length; i++)
            yield return (absolute ? "/" : "") + string.Join('/', parts.Take(i));
    }
}
