namespace CamShare.Viewer;

/// <summary>
/// Where <see cref="ViewerIndexWriter"/> reads and writes, with keys relative to the camera folder
/// (<c>view.html</c>, <c>camshare-index/days.bin</c>). The host adapts a storage provider to it: the key under
/// the camera's folder, a put that readers see whole or not at all, the storage's own names (the index objects
/// must not get encrypted names: the page asks for them by these names).
/// </summary>
public interface IViewerObjectStore
{
    /// <summary>The object's bytes, or null when there is none.</summary>
    Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Replaces the object atomically.</summary>
    Task WriteAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken);
}
