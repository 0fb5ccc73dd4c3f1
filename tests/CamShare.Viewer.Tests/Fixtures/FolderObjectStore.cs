namespace CamShare.Viewer.Tests.Fixtures;

/// <summary>A folder as the viewer's object store: writes go to a temporary name and are renamed into place.</summary>
public sealed class FolderObjectStore(string root) : IViewerObjectStore
{
    public List<string> Writes { get; } = [];

    public async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public async Task WriteAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".partial";
        await File.WriteAllBytesAsync(temporary, content.ToArray(), cancellationToken);
        File.Move(temporary, path, overwrite: true);
        lock (Writes) Writes.Add(key);
    }
}
