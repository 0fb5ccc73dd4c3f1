using CamShare.Abstractions;
using CamShare.Viewer;

namespace CamShare.Core.Publishing;

/// <summary>
/// The viewer's small objects on a storage provider, under one camera folder: the provider's put is atomic
/// (the contract), so a reader sees the old index or the new one. Stored under the storage's own names, never
/// through the transform stage: the page asks for <c>camshare-index/days.bin</c> by that name.
/// </summary>
public sealed class StorageObjectStore(IStorageProvider provider, string folder) : IViewerObjectStore
{
    public async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await provider.OpenReadAsync(KeyOf(key), cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (StorageNotFoundException)
        {
            return null;
        }
    }

    // The 2.0 contract's UploadSource has no content type: providers store what they infer (docs/viewer.md).
    public async Task WriteAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        var bytes = content.ToArray();
        var source = UploadSource.FromStream(bytes.Length, _ => ValueTask.FromResult<Stream>(new MemoryStream(bytes, writable: false)));
        var stored = await provider.PutAsync(KeyOf(key), source, null, cancellationToken).ConfigureAwait(false);
        if (stored.Size != bytes.Length)
            throw new StorageIntegrityException($"'{stored.Key}' holds {stored.Size} bytes after a put of {bytes.Length}");
    }

    private string KeyOf(string key) => folder + "/" + key;
}
