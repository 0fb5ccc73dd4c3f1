using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace CamShare.Storage.Ftp;

/// <summary>
/// Stores objects on an FTP server. A put streams the content (binary, passive, TLS-protected) to the contract's
/// temporary name in the target folder, renames it onto the key (RNFR/RNTO; DELE first on servers that refuse to
/// rename onto an existing file), and checks the size the server reports. Folders are created level by level
/// with MKD and remembered. Listings use MLSD, or LIST (Unix format) plus MDTM on servers without it.
/// </summary>
public sealed class FtpStorageProvider : IStorageProvider, IFolderCleanupCapability, IStorageDiagnostics, IAsyncDisposable, IDisposable
{
    private readonly FtpSettings _settings;
    private readonly FtpConnectionPool _pool;
    private readonly string _root; // rootFolder, trimmed; "" for the login folder
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _knownFolders = new(StringComparer.Ordinal);

    /// <summary>Created by the host for one configured storage.</summary>
    public FtpStorageProvider(FtpStorageOptions options, StorageIdentity storage, ILogger<FtpStorageProvider> logger)
        : this(options, storage, (ILogger)logger)
    {
    }

    internal FtpStorageProvider(FtpStorageOptions options, StorageIdentity storage, ILogger logger)
    {
        _logger = logger;
        _settings = new FtpSettings(options, storage.Name, logger);
        _pool = new FtpConnectionPool(_settings, options.MaxConnections);
        _root = (options.RootFolder ?? "").Trim('/');
        if (options.TlsMode == FtpTlsMode.None)
            logger.LogWarning("FTP {Storage}: tlsMode is none: the password and every recording cross the network " +
                              "unencrypted", storage.Name);
    }

    /// <summary>The connection pool (tests shorten its health-check interval).</summary>
    internal FtpConnectionPool Pool => _pool;

    /// <inheritdoc />
    public async Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        EnsureValid(key);
        ArgumentNullException.ThrowIfNull(source);
        var path = Rooted(key);
        var temp = StorageKeys.TemporaryKeyFor(path);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var stored = false;
        var state = new PutState();
        try
        {
            var entry = await _pool.RunAsync(c => PutOnAsync(c, key, path, temp, source, progress, state, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            stored = true;
            _logger.LogDebug("FTP {Storage}: stored '{Key}', {Bytes} bytes in {Seconds:0.00} s", _settings.StorageName, key,
                source.Length, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            return new StoredObject(key, entry.Size, entry.Modified);
        }
        catch (Exception ex) when (Classify(ex, $"PUT '{key}'", cancellationToken) is var mapped && mapped != ex)
        {
            throw mapped;
        }
        finally
        {
            // Also after a cancellation: the half-written temporary object must not stay behind.
            if (!stored && state.TemporaryStarted) await DeleteQuietlyAsync(temp).ConfigureAwait(false);
        }
    }

    private async Task<FtpEntry> PutOnAsync(FtpControlConnection c, string key, string path, string temp, UploadSource source,
        IProgress<TransferProgress>? progress, PutState state, CancellationToken cancellationToken)
    {
        var folder = StorageKeys.ParentOf(path);
        var cached = await EnsureFolderAsync(c, folder, cancellationToken).ConfigureAwait(false);
        state.TemporaryStarted = true;
        try
        {
            await FtpTransfers.StoreAsync(c, Remote(c, temp), source, progress, _settings.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageAuthenticationException) when (cached && !c.IsBroken)
        {
            // The folder vanished behind the cache's back (retention, another client): create it again, once.
            _logger.LogInformation("FTP {Storage}: folder '{Folder}' seems gone; creating it again", _settings.StorageName, folder);
            _knownFolders.Clear();
            await EnsureFolderAsync(c, folder, cancellationToken).ConfigureAwait(false);
            await FtpTransfers.StoreAsync(c, Remote(c, temp), source, progress, _settings.Timeout, cancellationToken).ConfigureAwait(false);
        }
        await RenameAsync(c, Remote(c, temp), Remote(c, path), cancellationToken).ConfigureAwait(false);
        var entry = await FtpTransfers.StatAsync(c, Remote(c, path), cancellationToken).ConfigureAwait(false)
                    ?? throw new StorageIntegrityException($"PUT '{key}': the object is missing after the rename.");
        if (entry.Size != source.Length)
            throw new StorageIntegrityException($"PUT '{key}': the server holds {entry.Size} bytes, {source.Length} were sent.");
        return entry;
    }

    /// <summary>RNFR/RNTO; a server that will not rename onto an existing file gets DELE first (not atomic there,
    /// but the old object is replaced by a complete new one either way).</summary>
    private static async Task RenameAsync(FtpControlConnection c, string from, string to, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await c.ExpectAsync("RNFR " + from, FtpAction.Read, $"RNFR '{from}'", cancellationToken, intermediateOk: true).ConfigureAwait(false);
            var rnto = await c.SendAsync("RNTO " + to, cancellationToken).ConfigureAwait(false);
            if (rnto.IsSuccess) return;
            if (attempt > 0 || rnto.Code is not (550 or 553 or 450))
                throw FtpErrors.FromReply(rnto, FtpAction.Write, $"RNTO '{to}'", c.Redactor);
            await c.SendAsync("DELE " + to, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken)
    {
        EnsureValid(key);
        try
        {
            var entry = await _pool.RunAsync(c => FtpTransfers.StatAsync(c, Remote(c, Rooted(key)), cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return entry is null
                ? throw new StorageNotFoundException($"No object at '{key}'.")
                : new StoredObject(key, entry.Size, entry.Modified);
        }
        catch (Exception ex) when (Classify(ex, $"STAT '{key}'", cancellationToken) is var mapped && mapped != ex)
        {
            throw mapped;
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        EnsureValid(key);
        var what = $"RETR '{key}'";
        for (var attempt = 0; ; attempt++)
        {
            var lease = await RentAsync(what, cancellationToken, fresh: attempt > 0).ConfigureAwait(false);
            try
            {
                var data = await lease.Connection.OpenDataAsync("RETR " + Remote(lease.Connection, Rooted(key)), FtpAction.Read,
                    what, cancellationToken).ConfigureAwait(false);
                return new FtpReadStream(data, lease, what, _settings.Timeout);
            }
            catch (Exception ex)
            {
                await lease.DisposeAsync().ConfigureAwait(false);
                if (ex is FtpConnectionLostException && lease.Reused && attempt == 0 && !cancellationToken.IsCancellationRequested) continue;
                if (ex is StorageNotFoundException) throw new StorageNotFoundException($"No object at '{key}'.", ex);
                throw Classify(ex, what, cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValidPrefix(prefix);
        // Start at the deepest folder the prefix names completely, then filter by the plain string prefix.
        var pending = new Stack<string>();
        pending.Push(StorageKeys.ParentOf(prefix.EndsWith('/') ? prefix + "x" : prefix));
        while (pending.Count > 0)
        {
            var folderKey = pending.Pop();
            IReadOnlyList<FtpEntry> entries;
            try
            {
                entries = await _pool.RunAsync(c => FtpDirectory.ListAsync(c, Remote(c, Rooted(folderKey)), cancellationToken),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Classify(ex, $"LIST '{folderKey}'", cancellationToken) is var mapped && mapped != ex)
            {
                throw mapped;
            }
            foreach (var entry in entries)
            {
                var key = folderKey.Length == 0 ? entry.Name : folderKey + "/" + entry.Name;
                if (entry.IsDirectory)
                {
                    var asFolder = key + "/";
                    if (asFolder.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(asFolder, StringComparison.Ordinal))
                        pending.Push(key);
                }
                else if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    yield return new StoredObject(key, entry.Size, entry.Modified);
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        EnsureValid(key);
        try
        {
            await _pool.RunAsync(async c =>
            {
                var path = Remote(c, Rooted(key));
                var dele = await c.SendAsync("DELE " + path, cancellationToken).ConfigureAwait(false);
                if (dele.IsSuccess) return true;
                // 550 is both "no such file" and "not allowed": only a file still there makes it an error.
                if (dele.Code == 550 && await FtpTransfers.StatAsync(c, path, cancellationToken).ConfigureAwait(false) is null) return true;
                throw FtpErrors.FromReply(dele, FtpAction.Write, $"DELE '{key}'", c.Redactor);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Classify(ex, $"DELETE '{key}'", cancellationToken) is var mapped && mapped != ex)
        {
            throw mapped;
        }
    }

    /// <inheritdoc />
    public async Task RemoveFolderIfEmptyAsync(string folder, CancellationToken cancellationToken)
    {
        folder = folder.Trim('/');
        if (folder.Length == 0) return; // never the root
        EnsureValid(folder);
        foreach (var known in _knownFolders.Keys)
            if (known == Rooted(folder) || known.StartsWith(Rooted(folder) + "/", StringComparison.Ordinal))
                _knownFolders.TryRemove(known, out _);
        try
        {
            await _pool.RunAsync(async c =>
            {
                // RMD refuses a folder that holds anything (and a missing one): both mean "leave it".
                var rmd = await c.SendAsync("RMD " + Remote(c, Rooted(folder)), cancellationToken).ConfigureAwait(false);
                if (!rmd.IsSuccess && rmd.Code is >= 400 and < 500 and not 450)
                    throw FtpErrors.FromReply(rmd, FtpAction.Write, $"RMD '{folder}'", c.Redactor);
                return rmd.IsSuccess;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Classify(ex, $"RMD '{folder}'", cancellationToken) is var mapped && mapped != ex)
        {
            throw mapped;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DiagnosticResult>> DiagnoseAsync(CancellationToken cancellationToken) =>
        FtpDiagnostics.RunAsync(_settings, _root, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _pool.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => _pool.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<FtpConnectionPool.Lease> RentAsync(string what, CancellationToken cancellationToken, bool fresh)
    {
        try
        {
            return await _pool.RentAsync(cancellationToken, fresh).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Classify(ex, what, cancellationToken);
        }
    }

    /// <summary>Creates <paramref name="folder"/> and its missing ancestors; true when it was known already.</summary>
    private async Task<bool> EnsureFolderAsync(FtpControlConnection c, string folder, CancellationToken cancellationToken)
    {
        if (folder.Length == 0 || _knownFolders.ContainsKey(folder)) return true;
        var segments = folder.Split('/');
        for (var i = 1; i <= segments.Length; i++)
        {
            var level = string.Join('/', segments.Take(i));
            if (_knownFolders.ContainsKey(level)) continue;
            var mkd = await c.SendAsync("MKD " + Remote(c, level), cancellationToken).ConfigureAwait(false);
            if (!mkd.IsSuccess)
            {
                // Already there (550/521 "exists", or a concurrent MKD won): CWD tells.
                var cwd = await c.SendAsync("CWD " + Remote(c, level), cancellationToken).ConfigureAwait(false);
                if (!cwd.IsSuccess) throw FtpErrors.FromReply(mkd, FtpAction.Write, $"MKD '{level}'", c.Redactor);
            }
            _knownFolders.TryAdd(level, 0);
        }
        return false;
    }

    private async Task DeleteQuietlyAsync(string temp)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _pool.RunAsync(async c => (await c.SendAsync("DELE " + Remote(c, temp), cts.Token).ConfigureAwait(false)).IsSuccess,
                cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StorageException or OperationCanceledException or IOException)
        {
            _logger.LogDebug("FTP {Storage}: could not remove the temporary object: {Reason}", _settings.StorageName,
                _settings.Redactor.Redact(ex.Message));
        }
    }

    /// <summary>Whether a put got as far as creating its temporary object (only then is there one to remove).</summary>
    private sealed class PutState
    {
        public volatile bool TemporaryStarted;
    }

    private Exception Classify(Exception ex, string what, CancellationToken cancellationToken) =>
        FtpErrors.FromException(ex, what, _settings.Trust.LastRejection, _settings.Timeout, cancellationToken, _settings.Redactor);

    private static void EnsureValid(string key)
    {
        StorageKeys.EnsureValid(key);
        if (key.IndexOfAny(['\r', '\n']) >= 0)
            throw new ArgumentException($"Invalid object key: FTP cannot carry a line break in a name.", nameof(key));
    }

    private string Rooted(string key) => _root.Length == 0 ? key : key.Length == 0 ? _root : _root + "/" + key;

    /// <summary>The absolute server path of a rooted key (login folder + key).</summary>
    private static string Remote(FtpControlConnection c, string rooted) =>
        rooted.Length == 0 ? (c.Home.Length == 0 ? "/" : c.Home) : c.Home + "/" + rooted;
}
