using System.Collections.Concurrent;
using CamShare.Storage.GoogleDrive.Api;

namespace CamShare.Storage.GoogleDrive;

/// <summary>
/// Maps key folders ("porch/20240323/10") to Drive folder IDs under the root. Each folder is looked up or created
/// once and cached. Drive allows several folders with one name, so creation is serialised per path in this process
/// (two racing uploads create one folder), and when duplicates exist anyway (another process) the oldest wins,
/// always the same one.
/// </summary>
internal sealed class FolderTree(DriveCalls calls, string rootId)
{
    private readonly ConcurrentDictionary<string, string> _ids = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>The folder's ID, or null when it does not exist. Never creates.</summary>
    public async Task<string?> FindAsync(string path, CancellationToken cancellationToken)
    {
        if (path.Length == 0) return rootId;
        if (_ids.TryGetValue(path, out var cached)) return cached;
        var parentId = await FindAsync(Parent(path), cancellationToken);
        if (parentId is null) return null;
        var found = await FindChildAsync(parentId, Name(path), cancellationToken);
        if (found is not null) _ids[path] = found;
        return found;
    }

    /// <summary>The folder's ID, creating it and its parents when missing.</summary>
    public async Task<string> EnsureAsync(string path, CancellationToken cancellationToken)
    {
        if (path.Length == 0) return rootId;
        if (_ids.TryGetValue(path, out var cached)) return cached;
        var parentId = await EnsureAsync(Parent(path), cancellationToken);
        var gate = _locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (_ids.TryGetValue(path, out cached)) return cached;
            var id = await FindChildAsync(parentId, Name(path), cancellationToken)
                     ?? await calls.CreateFolderAsync(parentId, Name(path), cancellationToken);
            _ids[path] = id;
            return id;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets the folder and everything below it (it was removed, or its cached ID went stale).</summary>
    public void Forget(string path)
    {
        foreach (var known in _ids.Keys)
            if (known == path || known.StartsWith(path + "/", StringComparison.Ordinal))
                _ids.TryRemove(known, out _);
    }

    private async Task<string?> FindChildAsync(string parentId, string name, CancellationToken cancellationToken)
    {
        var matches = await calls.FindAsync(parentId, name, folder: true, cancellationToken);
        return Oldest(matches)?.Id;
    }

    /// <summary>The deterministic pick among same-named items: earliest createdTime, then smallest ID.</summary>
    public static DriveFile? Oldest(IEnumerable<DriveFile> items) => items
        .OrderBy(f => DriveFile.ParseTime(f.CreatedTimeRaw) ?? DateTimeOffset.MaxValue)
        .ThenBy(f => f.Id, StringComparer.Ordinal)
        .FirstOrDefault();

    private static string Parent(string path) => CamShare.Abstractions.StorageKeys.ParentOf(path);

    private static string Name(string path) => CamShare.Abstractions.StorageKeys.NameOf(path);
}
