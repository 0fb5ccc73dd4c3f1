using System.Runtime.CompilerServices;
using CamShare.Abstractions;

namespace CamShare.Retention.Tests.Support;

/// <summary>
/// A provider seen from one sub-folder of a real storage: each test owns its own, so tests sharing a server never
/// see each other's objects. Keys pass through unchanged below the scope; nothing is faked.
/// </summary>
public class ScopedStorage : IStorageProvider
{
    protected ScopedStorage(IStorageProvider inner, string scope)
    {
        Inner = inner;
        Scope = scope.TrimEnd('/') + "/";
    }

    public IStorageProvider Inner { get; }
    public string Scope { get; }

    /// <summary>A scope of <paramref name="inner"/> that offers folder clean-up exactly when the inner one does.</summary>
    public static ScopedStorage Create(IStorageProvider inner, string scope) =>
        inner is IFolderCleanupCapability ? new WithFolders(inner, scope) : new ScopedStorage(inner, scope);

    public Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress, CancellationToken cancellationToken) =>
        Unscope(Inner.PutAsync(Scope + key, source, progress, cancellationToken));

    public Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken) => Unscope(Inner.StatAsync(Scope + key, cancellationToken));

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => Inner.OpenReadAsync(Scope + key, cancellationToken);

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in Inner.ListAsync(Scope + prefix, cancellationToken))
            yield return item with { Key = item.Key[Scope.Length..] };
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => Inner.DeleteAsync(Scope + key, cancellationToken);

    private async Task<StoredObject> Unscope(Task<StoredObject> stored)
    {
        var item = await stored;
        return item with { Key = item.Key.StartsWith(Scope, StringComparison.Ordinal) ? item.Key[Scope.Length..] : item.Key };
    }

    private sealed class WithFolders(IStorageProvider inner, string scope) : ScopedStorage(inner, scope), IFolderCleanupCapability
    {
        public Task RemoveFolderIfEmptyAsync(string folder, CancellationToken cancellationToken) =>
            ((IFolderCleanupCapability)Inner).RemoveFolderIfEmptyAsync(Scope + folder, cancellationToken);
    }
}
