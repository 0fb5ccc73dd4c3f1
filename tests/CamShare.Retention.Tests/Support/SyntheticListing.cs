using System.Runtime.CompilerServices;
using CamShare.Abstractions;

namespace CamShare.Retention.Tests.Support;

/// <summary>
/// A storage whose listing is generated as it is read (a huge bucket without the bytes). Keeps a weak reference to
/// every object it hands out, so a test can tell which ones the reader still holds after a full collection.
/// Puts and reads are not part of what it stands in for; deletes are recorded; a set error is thrown by every call.
/// </summary>
public sealed class SyntheticListing(Func<IEnumerable<StoredObject>> objects) : IStorageProvider
{
    public List<WeakReference<StoredObject>> HandedOut { get; } = [];
    public List<string> Deleted { get; } = [];
    public Exception? Failure { get; set; }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Failure is not null) throw Failure;
        foreach (var item in objects().Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)))
        {
            HandedOut.Add(new WeakReference<StoredObject>(item));
            yield return item;
        }
        await Task.CompletedTask;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (Failure is not null) throw Failure;
        Deleted.Add(key);
        return Task.CompletedTask;
    }

    public Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();
}
