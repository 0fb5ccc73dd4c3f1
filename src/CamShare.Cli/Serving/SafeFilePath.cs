using CamShare.Abstractions;

namespace CamShare.Cli.Serving;

/// <summary>
/// Maps a request path onto a file inside the served folder, or refuses it: every segment is decoded once and
/// must be a plain name (no empty, ".", "..", hidden or temporary names, no '/', '\' or NUL once decoded), no
/// part of the way may be a symbolic link, and only regular files are served (no directory listing).
/// </summary>
internal static class SafeFilePath
{
    public static string? Resolve(string root, string rawPath)
    {
        var query = rawPath.IndexOfAny(['?', '#']);
        if (query >= 0) rawPath = rawPath[..query];
        if (!rawPath.StartsWith('/') || rawPath.Length < 2) return null;
        var current = root;
        foreach (var raw in rawPath[1..].Split('/'))
        {
            string name;
            try { name = Uri.UnescapeDataString(raw); }
            catch (UriFormatException) { return null; }
            if (name.Length == 0 || name.StartsWith('.') || name.IndexOfAny(['/', '\\', '\0']) >= 0 || StorageKeys.IsTemporary(name))
                return null;
            current = Path.Combine(current, name);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (!info.Exists || info.LinkTarget is not null) return null;
        }
        return File.Exists(current) ? current : null;
    }
}
