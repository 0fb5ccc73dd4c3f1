using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace CamShare.Storage.WebDav;

/// <summary>
/// Stores objects on a WebDAV server. A put streams the content to "<c>.NAME.camshare-partial-RANDOM</c>" in the
/// target folder, MOVEs it onto the key with Overwrite: T, then reads the size (and any checksum the server
/// keeps, e.g. Nextcloud's oc:checksums) back with PROPFIND. Folders are created level by level with MKCOL and
/// remembered; listings walk PROPFIND Depth 1, since Depth infinity is usually disabled.
/// </summary>
public sealed class WebDavStorageProvider : IStorageProvider, IStorageDiagnostics, IDisposable
{
    // Apache mod_dav_fs writes a PUT's body to ".davfs.tmpXXXXXX" in the target folder until it is complete.
    private const string ApacheTempPrefix = ".davfs.tmp";

    private readonly WebDavClient _client;
    private readonly string _root; // rootFolder, trimmed; "" for the base URL itself
    private readonly ILogger _logger;
    private readonly StorageIdentity _storage;
    private readonly ConcurrentDictionary<string, byte> _knownFolders = new(StringComparer.Ordinal);

    public WebDavStorageProvider(WebDavStorageOptions options, StorageIdentity storage, ILogger<WebDavStorageProvider> logger)
        : this(options, storage, (ILogger)logger)
    {
    }

    internal WebDavStorageProvider(WebDavStorageOptions options, StorageIdentity storage, ILogger logger,
        HttpMessageHandler? handler = null)
    {
        _storage = storage;
        _logger = logger;
        _root = (options.RootFolder ?? "").Trim('/');
        _client = new WebDavClient(options, logger, handler);
    }

    public async Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        ArgumentNullException.ThrowIfNull(source);
        var path = Rooted(key);
        var folder = StorageKeys.ParentOf(path);
        var temp = StorageKeys.TemporaryKeyFor(path);
        var tempUri = _client.Paths.File(temp);
        var finalUri = _client.Paths.File(path);

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await EnsureFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        var tempMayExist = true;
        try
        {
            if (!await TryPutAsync(tempUri, folder, source, progress, cancellationToken).ConfigureAwait(false))
            {
                // The folder vanished behind the cache's back (another client, retention): create it again, once.
                _logger.LogInformation("WebDAV {Storage}: folder '{Folder}' is missing; creating it again", _storage.Name, folder);
                ForgetFolders();
                await EnsureFolderAsync(folder, cancellationToken).ConfigureAwait(false);
                if (!await _client.PutAsync(tempUri, source, progress, cancellationToken).ConfigureAwait(false))
                    throw new StorageTransientException(
                        $"PUT '{key}': the server says the folder '{folder}' is missing right after creating it.");
            }
            await _client.MoveAsync(tempUri, finalUri, overwrite: true, cancellationToken).ConfigureAwait(false);
            tempMayExist = false;
        }
        finally
        {
            if (tempMayExist) await DeleteQuietlyAsync(tempUri).ConfigureAwait(false);
        }

        var stored = await StatPathAsync(path, cancellationToken).ConfigureAwait(false)
                     ?? throw new StorageIntegrityException($"PUT '{key}': the object is missing after the MOVE.");
        if (stored.IsCollection || stored.Length != source.Length)
            throw new StorageIntegrityException(
                $"PUT '{key}': the server holds {stored.Length?.ToString() ?? "an unknown number of"} bytes, " +
                $"{source.Length} were sent.");
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        _logger.LogDebug("WebDAV {Storage}: stored '{Key}', {Bytes} bytes in {Seconds:0.00} s", _storage.Name, key,
            source.Length, elapsed.TotalSeconds);
        return ToStoredObject(key, stored);
    }

    public async Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        var resource = await StatPathAsync(Rooted(key), cancellationToken).ConfigureAwait(false);
        if (resource is null || resource.IsCollection) throw new StorageNotFoundException($"No object at '{key}'.");
        return ToStoredObject(key, resource);
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        try
        {
            return await _client.GetAsync(_client.Paths.File(Rooted(key)), cancellationToken).ConfigureAwait(false);
        }
        catch (StorageNotFoundException ex)
        {
            throw new StorageNotFoundException($"No object at '{key}'.", ex);
        }
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValidPrefix(prefix);
        // Start at the deepest folder the prefix names completely, then filter by the plain string prefix.
        var start = StorageKeys.ParentOf(prefix.EndsWith('/') ? prefix + "x" : prefix);
        var pending = new Stack<string>();
        pending.Push(start);
        while (pending.Count > 0)
        {
            var folderKey = pending.Pop();
            var folderPath = Rooted(folderKey);
            var resources = await _client.PropfindAsync(_client.Paths.Collection(folderPath), 1, cancellationToken)
                .ConfigureAwait(false);
            if (resources is null) continue; // nothing under this prefix
            var folderDecoded = _client.Paths.DecodedBasePath + (folderPath.Length == 0 ? "" : folderPath + "/");
            var self = SelfIndex(resources, folderDecoded);
            for (var i = 0; i < resources.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (i == self) continue;
                var resource = resources[i];
                var name = ChildName(resource.DecodedPath, folderDecoded);
                if (name is null) continue;
                if (name.StartsWith(ApacheTempPrefix, StringComparison.Ordinal)) continue;
                var key = folderKey.Length == 0 ? name : folderKey + "/" + name;
                if (resource.IsCollection)
                {
                    var asFolder = key + "/";
                    if (asFolder.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(asFolder, StringComparison.Ordinal))
                        pending.Push(key);
                }
                else if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    yield return ToStoredObject(key, resource);
                }
            }
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        var path = Rooted(key);
        // DELETE on a collection removes everything in it: make sure the key names a file first.
        var resource = await StatPathAsync(path, cancellationToken).ConfigureAwait(false);
        if (resource is null) return;
        if (resource.IsCollection)
        {
            _logger.LogWarning("WebDAV {Storage}: not deleting '{Key}': it is a folder, not an object", _storage.Name, key);
            return;
        }
        await _client.DeleteAsync(_client.Paths.File(path), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DiagnosticResult>> DiagnoseAsync(CancellationToken cancellationToken)
    {
        var results = new List<DiagnosticResult>();
        try
        {
            var root = await _client.PropfindAsync(_client.Paths.Collection(_root), 0, cancellationToken).ConfigureAwait(false);
            results.Add(root is null
                ? new DiagnosticResult("root folder", true, $"'{DisplayRoot}' does not exist yet; the first upload creates it")
                : new DiagnosticResult("root folder", root.Count > 0 && root[0].IsCollection,
                    root.Count > 0 && root[0].IsCollection ? $"'{DisplayRoot}' is reachable" : $"'{DisplayRoot}' is not a folder"));
        }
        catch (StorageException ex)
        {
            results.Add(new DiagnosticResult("root folder", false, ex.Message));
        }
        return results;
    }

    public void Dispose() => _client.Dispose();

    private string DisplayRoot => _client.Paths.DecodedBasePath + _root;

    private string Rooted(string key) => _root.Length == 0 ? key : key.Length == 0 ? _root : _root + "/" + key;

    /// <summary>Creates <paramref name="folder"/> and its missing ancestors, top down, remembering what exists.</summary>
    private async Task EnsureFolderAsync(string folder, CancellationToken cancellationToken)
    {
        if (folder.Length == 0 || _knownFolders.ContainsKey(folder)) return;
        for (var attempt = 0; ; attempt++)
        {
            var segments = folder.Split('/');
            var parentMissing = false;
            for (var i = 1; i <= segments.Length; i++)
            {
                var level = string.Join('/', segments.Take(i));
                if (_knownFolders.ContainsKey(level)) continue;
                var status = await _client.MkcolAsync(_client.Paths.Collection(level), cancellationToken).ConfigureAwait(false);
                if (status == HttpStatusCode.Conflict)
                {
                    parentMissing = true;
                    break;
                }
                if (status == HttpStatusCode.Forbidden)
                {
                    // Either a real refusal, or a concurrent MKCOL of the same folder won the race.
                    var existing = await _client.PropfindAsync(_client.Paths.Collection(level), 0, cancellationToken).ConfigureAwait(false);
                    if (existing is not { Count: > 0 } || !existing[0].IsCollection)
                        throw new StorageAuthenticationException(
                            $"MKCOL '{level}': the server answered 403 Forbidden: the user may not create folders here.");
                }
                _knownFolders.TryAdd(level, 0); // 201 created, 405 already there
            }
            if (!parentMissing) return;
            if (attempt > 0)
                throw new StorageTransientException($"MKCOL '{folder}': the server keeps answering 409 (conflict): " +
                                                    "a parent folder is missing or a file is in the way.");
            ForgetFolders(); // a cached ancestor was deleted behind our back
        }
    }

    private void ForgetFolders() => _knownFolders.Clear();

    /// <summary>
    /// PUT; false when the folder is missing. Apache answers 409 for that, rclone 404, but nginx with
    /// create_full_put_path off answers 500: after a server error, look whether the folder is still there.
    /// </summary>
    private async Task<bool> TryPutAsync(Uri uri, string folder, UploadSource source, IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        try
        {
            return await _client.PutAsync(uri, source, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (WebDavServerErrorException ex) when (ex.StatusCode == 500 && folder.Length > 0)
        {
            var exists = await _client.PropfindAsync(_client.Paths.Collection(folder), 0, cancellationToken).ConfigureAwait(false);
            if (exists is null) return false;
            throw;
        }
    }

    private async Task<DavResource?> StatPathAsync(string path, CancellationToken cancellationToken)
    {
        var resources = await _client.PropfindAsync(_client.Paths.File(path), 0, cancellationToken).ConfigureAwait(false);
        return resources is { Count: > 0 } ? resources[0] : null;
    }

    private async Task DeleteQuietlyAsync(Uri uri)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _client.DeleteAsync(uri, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StorageException or OperationCanceledException)
        {
            _logger.LogDebug("WebDAV {Storage}: could not remove the partial upload: {Reason}", _storage.Name, ex.Message);
        }
    }

    /// <summary>The name for the temporary file, cut so that the temporary name stays within 255 bytes.</summary>

    /// <summary>Which response of a Depth 1 PROPFIND describes the folder itself (-1: none).</summary>
    internal static int SelfIndex(IReadOnlyList<DavResource> resources, string folderDecoded)
    {
        for (var i = 0; i < resources.Count; i++)
            if (string.Equals(resources[i].DecodedPath.TrimEnd('/') + "/", folderDecoded, StringComparison.Ordinal))
                return i;
        // Paths spelled differently (a proxy prefix): servers list the folder itself first.
        if (resources.Count > 0 && resources[0].IsCollection &&
            LastSegment(resources[0].DecodedPath) == LastSegment(folderDecoded))
            return 0;
        return -1;
    }

    private static string LastSegment(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }

    /// <summary>The last segment of a direct child's decoded path; null for the folder itself.</summary>
    internal static string? ChildName(string decodedPath, string folderDecoded)
    {
        var trimmed = decodedPath.TrimEnd('/');
        if (trimmed.Length == 0 || string.Equals(trimmed + "/", folderDecoded, StringComparison.Ordinal)) return null;
        if (trimmed.StartsWith(folderDecoded, StringComparison.Ordinal))
        {
            var rest = trimmed[folderDecoded.Length..];
            if (rest.Length > 0 && !rest.Contains('/')) return rest;
        }
        // The server spells paths differently (another encoding, a proxy prefix): fall back to the last segment.
        var name = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        return name.Length == 0 ? null : name;
    }

    private static StoredObject ToStoredObject(string key, DavResource resource) =>
        new(key, resource.Length ?? 0, resource.LastModified, resource.Checksums);
}
