using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CamShare.Abstractions;
using CamShare.Storage.GoogleDrive.Api;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamShare.Storage.GoogleDrive;

/// <summary>
/// Google Drive: a key's folders are Drive folders under the root folder ID, its last segment a file. A file appears
/// only when its resumable upload completes, so no temporary name is needed; an existing key gets new content
/// (files.update), never a second file of the same name.
/// </summary>
public sealed class GoogleDriveStorageProvider : IStorageProvider, IFolderCleanupCapability, IFolderSharingCapability,
    IShareLinkCapability, IInteractiveAuthorizationCapability, IServerSideHashCapability, IDisposable
{
    private readonly GoogleDriveStorageOptions _options;
    private readonly ILogger _logger;
    private readonly DriveConnection _connection;
    private readonly DriveCalls _calls;
    private readonly FolderTree _folders;
    private readonly SecretRedactor _redactor;
    // Keys this process stored, so that a read right after a put does not depend on files.list catching up.
    private readonly ConcurrentDictionary<string, string> _fileIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _keyLocks = new(StringComparer.Ordinal);

    public GoogleDriveStorageProvider(GoogleDriveStorageOptions options, ILogger<GoogleDriveStorageProvider>? logger = null)
    {
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _connection = new DriveConnection(options);
        _calls = new DriveCalls(_connection, options);
        _folders = new FolderTree(_calls, options.RootFolderId);
        _redactor = new SecretRedactor(options.ClientSecret);
    }

    public async Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        var gate = _keyLocks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await Guard($"put '{key}'", async () =>
            {
                var parentId = await _folders.EnsureAsync(StorageKeys.ParentOf(key), cancellationToken);
                var existing = await FindFilesAsync(key, parentId, cancellationToken);
                var target = FolderTree.Oldest(existing);
                var service = await _calls.ServiceAsync(cancellationToken);
                var file = await DriveUpload.RunAsync(service, StorageKeys.NameOf(key), parentId, target?.Id, source,
                    _options.ChunkSizeKiB * 1024, progress, cancellationToken);
                _fileIds[key] = file.Id!;
                // Same-named leftovers (from another process's race) would make the key ambiguous.
                foreach (var extra in existing.Where(f => f.Id != file.Id))
                    await _calls.RemoveAsync(extra.Id!, cancellationToken);
                var stored = ToStoredObject(key, file);
                Verify(key, source, stored);
                return stored;
            }, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        return Guard($"stat '{key}'", async () =>
            ToStoredObject(key, await FindFileAsync(key, cancellationToken)
                                ?? throw new StorageNotFoundException($"stat '{key}': no such object.")), cancellationToken);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        return Guard($"read '{key}'", async () =>
        {
            var file = await FindFileAsync(key, cancellationToken)
                       ?? throw new StorageNotFoundException($"read '{key}': no such object.");
            return await _calls.OpenMediaAsync(file.Id!, cancellationToken);
        }, cancellationToken);
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValidPrefix(prefix);
        var folder = StorageKeys.ParentOf(prefix);
        var namePrefix = StorageKeys.NameOf(prefix);
        var folderId = await Guard($"list '{prefix}'", () => _folders.FindAsync(folder, cancellationToken), cancellationToken);
        if (folderId is null) yield break;
        await foreach (var item in WalkAsync(folder, folderId, namePrefix, cancellationToken))
            yield return item;
    }

    // Depth first; each page is yielded before the next is asked for, and only subfolder IDs are held meanwhile.
    private async IAsyncEnumerable<StoredObject> WalkAsync(string folder, string folderId, string namePrefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subfolders = new List<(string Path, string Id)>();
        await using (var pages = _calls.ChildrenAsync(folderId, 1000, cancellationToken).GetAsyncEnumerator(cancellationToken))
        {
            while (await Guard<bool>($"list '{folder}'", async () => await pages.MoveNextAsync(), cancellationToken))
            {
                foreach (var item in pages.Current)
                {
                    if (item.Name is null || !item.Name.StartsWith(namePrefix, StringComparison.Ordinal)) continue;
                    var path = folder.Length == 0 ? item.Name : folder + "/" + item.Name;
                    if (item.IsFolder) subfolders.Add((path, item.Id!));
                    else yield return ToStoredObject(path, item);
                }
            }
        }
        foreach (var (path, id) in subfolders)
            await foreach (var item in WalkAsync(path, id, "", cancellationToken))
                yield return item;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        return Guard($"delete '{key}'", async () =>
        {
            var parentId = await _folders.FindAsync(StorageKeys.ParentOf(key), cancellationToken);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            if (_fileIds.TryRemove(key, out var cached)) ids.Add(cached);
            if (parentId is not null)
                foreach (var file in await _calls.FindAsync(parentId, StorageKeys.NameOf(key), folder: false, cancellationToken))
                    ids.Add(file.Id!);
            foreach (var id in ids) await _calls.RemoveAsync(id, cancellationToken);
            return true;
        }, cancellationToken);
    }

    public Task RemoveFolderIfEmptyAsync(string folder, CancellationToken cancellationToken)
    {
        folder = folder.Trim('/');
        if (folder.Length == 0) return Task.CompletedTask;
        StorageKeys.EnsureValid(folder);
        return Guard($"remove folder '{folder}'", async () =>
        {
            // files.list may not show a file created a moment ago; never remove a folder this process just filled.
            if (_fileIds.Keys.Any(k => k.StartsWith(folder + "/", StringComparison.Ordinal))) return true;
            var id = await _folders.FindAsync(folder, cancellationToken);
            if (id is null) return true;
            await foreach (var page in _calls.ChildrenAsync(id, 1, cancellationToken))
                if (page.Count > 0) return true;
            await _calls.RemoveAsync(id, cancellationToken);
            _folders.Forget(folder);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ShareFolderAsync(string folder, IReadOnlyList<string> readers, CancellationToken cancellationToken)
    {
        folder = folder.Trim('/');
        return Guard<IReadOnlyList<string>>($"share folder '{folder}'", async () =>
        {
            var id = await _folders.FindAsync(folder, cancellationToken)
                     ?? throw new StorageNotFoundException($"share folder '{folder}': no such folder.");
            var existing = await _calls.PermissionsAsync(id, cancellationToken);
            var lines = new List<string>();
            foreach (var reader in readers)
            {
                if (existing.Any(p => string.Equals(p.EmailAddress, reader, StringComparison.OrdinalIgnoreCase)))
                {
                    lines.Add($"{reader}: already has access");
                    continue;
                }
                await _calls.GrantAsync(id, new DrivePermission { Type = "user", Role = "reader", EmailAddress = reader },
                    _options.NotifyOnShare, cancellationToken);
                lines.Add($"{reader}: may now read '{(folder.Length == 0 ? "(root)" : folder)}'");
            }
            return lines;
        }, cancellationToken);
    }

    /// <remarks>Drive cannot expire an "anyone with the link" permission: the link stays valid until the
    /// permission is removed in Drive, whatever <paramref name="validFor"/> says. Hence off unless the options allow it.</remarks>
    public Task<Uri> CreateShareLinkAsync(string key, TimeSpan validFor, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        if (!_options.AllowAnyoneWithLink)
            throw new NotSupportedException("share links are off: Drive links cannot expire, so they are made only " +
                                            "when allowAnyoneWithLink is true");
        return Guard($"share link for '{key}'", async () =>
        {
            var file = await FindFileAsync(key, cancellationToken)
                       ?? throw new StorageNotFoundException($"share link for '{key}': no such object.");
            await _calls.GrantAsync(file.Id!, new DrivePermission { Type = "anyone", Role = "reader", AllowFileDiscovery = false },
                null, cancellationToken);
            var link = await _calls.WebContentLinkAsync(file.Id!, cancellationToken);
            return link is null
                ? throw new StorageConfigurationException($"share link for '{key}': Drive gave no download link.")
                : new Uri(link);
        }, cancellationToken);
    }

    public Task<string> AuthorizeAsync(TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        if (_options.Authentication != DriveAuthentication.OAuth)
            return Task.FromResult("A service account needs no consent: share the root folder with its e-mail address.");
        return Guard("authorize", () => new DriveConsent(_connection, _options).RunAsync(input, output, cancellationToken),
            cancellationToken);
    }

    /// <summary>Drive computes these for every file with binary content and reports them without a download.</summary>
    public IReadOnlyCollection<string> SupportedHashes { get; } =
        [ChecksumAlgorithms.Md5, ChecksumAlgorithms.Sha1, ChecksumAlgorithms.Sha256];

    public Task<ObjectChecksum> GetHashAsync(string key, string algorithm, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        if (!SupportedHashes.Contains(algorithm, StringComparer.OrdinalIgnoreCase))
            throw new NotSupportedException($"Drive reports md5, sha1 and sha256, not {algorithm}");
        return Guard($"hash '{key}'", async () =>
        {
            var file = await FindFileAsync(key, cancellationToken)
                       ?? throw new StorageNotFoundException($"hash '{key}': no such object.");
            var hex = algorithm.ToLowerInvariant() switch
            {
                ChecksumAlgorithms.Md5 => file.Md5Checksum,
                ChecksumAlgorithms.Sha1 => file.Sha1Checksum,
                _ => file.Sha256Checksum,
            };
            return hex is { Length: > 0 }
                ? ObjectChecksum.Of(algorithm.ToLowerInvariant(), hex)
                : throw new StorageTransientException($"hash '{key}': Drive has not computed the {algorithm} yet.");
        }, cancellationToken);
    }

    private async Task<DriveFile?> FindFileAsync(string key, CancellationToken cancellationToken)
    {
        if (_fileIds.TryGetValue(key, out var cached))
        {
            if (await _calls.GetAsync(cached, cancellationToken) is { } known) return known;
            _fileIds.TryRemove(key, out _);
        }
        var parentId = await _folders.FindAsync(StorageKeys.ParentOf(key), cancellationToken);
        return parentId is null ? null : FolderTree.Oldest(await FindFilesAsync(key, parentId, cancellationToken));
    }

    private async Task<List<DriveFile>> FindFilesAsync(string key, string parentId, CancellationToken cancellationToken)
    {
        var found = await _calls.FindAsync(parentId, StorageKeys.NameOf(key), folder: false, cancellationToken);
        if (_fileIds.TryGetValue(key, out var cached) && found.All(f => f.Id != cached)
            && await _calls.GetAsync(cached, cancellationToken) is { } known)
            found.Add(known);
        return found;
    }

    private static StoredObject ToStoredObject(string key, DriveFile file) => new(key, file.Size ?? 0,
        DriveFile.ParseTime(file.ModifiedTimeRaw),
        file.Md5Checksum is { Length: > 0 } md5 ? [ObjectChecksum.Of(ChecksumAlgorithms.Md5, md5)] : []);

    private static void Verify(string key, UploadSource source, StoredObject stored)
    {
        if (stored.Size != source.Length)
            throw new StorageIntegrityException($"put '{key}': Drive stored {stored.Size} bytes, {source.Length} were sent.");
        if (source.FindKnownChecksum(ChecksumAlgorithms.Md5) is { } sent && stored.FindChecksum(ChecksumAlgorithms.Md5) is { } got
            && sent.Hex != got.Hex)
            throw new StorageIntegrityException($"put '{key}': Drive's md5Checksum {got.Hex} differs from the sent {sent.Hex}.");
    }

    private async Task<T> Guard<T>(string operation, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        var slot = RetryAfterRecorder.Begin();
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is not StorageException && DriveErrors.Classify(ex, operation, _redactor, slot.RetryAfter,
                                       cancellationToken) is var mapped && !ReferenceEquals(mapped, ex))
        {
            _logger.LogDebug("{Operation} failed: {Error}", operation, mapped.Message);
            throw mapped;
        }
    }

    private Task Guard(string operation, Func<Task<bool>> action, CancellationToken cancellationToken) =>
        Guard<bool>(operation, action, cancellationToken);

    public void Dispose() => _connection.Dispose();
}
