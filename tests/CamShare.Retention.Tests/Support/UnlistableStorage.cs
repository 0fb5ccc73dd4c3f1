using CamShare.Abstractions;

namespace CamShare.Retention.Tests.Support;

/// <summary>A real storage whose listings fail as an unreachable server's would, while puts and reads work:
/// retention on it fails every sweep, uploads must not notice.</summary>
public sealed class UnlistableStorage(IStorageProvider inner) : IStorageProvider
{
    public int Listings => Volatile.Read(ref _listings);
    private int _listings;

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _listings);
        throw new StorageUnreachableException("listing refused by the test (connection refused)");
    }

    public Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress, CancellationToken cancellationToken) =>
        inner.PutAsync(key, source, progress, cancellationToken);

    public Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken) => inner.StatAsync(key, cancellationToken);

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
}
