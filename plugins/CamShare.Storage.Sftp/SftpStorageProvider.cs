using System.Runtime.CompilerServices;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Sftp;

namespace CamShare.Storage.Sftp;

/// <summary>
/// Stores objects on an SFTP server. A put streams the content with SSH.NET's pipelined upload to
/// <see cref="StorageKeys.TemporaryKeyFor"/>'s name in the target folder, renames it onto the key
/// (posix-rename@openssh.com, which replaces atomically; else delete and rename), and stats it to verify the size.
/// Each concurrent operation has its own session from a small pool; the host key must match the pinned fingerprint.
/// </summary>
public sealed partial class SftpStorageProvider : IStorageProvider, IFolderCleanupCapability, IStorageDiagnostics, IDisposable
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(15);

    private readonly SftpStorageOptions _options;
    private readonly StorageIdentity _storage;
    private readonly ILogger _logger;
    private readonly SftpErrors _errors;
    private readonly SftpConnectionPool _pool;
    private readonly SftpPaths _paths;
    private readonly SftpFolders _folders = new();
    private volatile int _posixRename; // 0 unknown, 1 offered, -1 not offered (or not wanted)

    /// <summary>Creates the provider for one configured storage (options already validated by the host).</summary>
    public SftpStorageProvider(SftpStorageOptions options, StorageIdentity storage, ILogger<SftpStorageProvider> logger)
        : this(options, storage, (ILogger)logger)
    {
    }

    internal SftpStorageProvider(SftpStorageOptions options, StorageIdentity storage, ILogger logger, bool usePosixRename = true)
    {
        _options = options;
        _storage = storage;
        _logger = logger;
        _errors = new SftpErrors(new SecretRedactor(options.Password, options.PrivateKey, options.PrivateKeyPassphrase),
            $"{options.Host}:{options.Port}");
        _pool = new SftpConnectionPool(new SftpConnector(options, _errors), options.MaxConnections);
        _paths = new SftpPaths(options.RootFolder);
        if (!usePosixRename) _posixRename = -1;
    }

    /// <inheritdoc />
    public async Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        ArgumentNullException.ThrowIfNull(source);
        var path = _paths.Of(key);
        var temporary = _paths.Of(StorageKeys.TemporaryKeyFor(key));
        var folder = _paths.FolderOf(key);
        var operation = $"put '{key}'";
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            var lease = await RentAsync(attempt == 0, operation, cancellationToken).ConfigureAwait(false);
            var uploadProgress = new UploadProgress(progress, source.Length);
            Exception failure;
            try
            {
                var attributes = await PutOnAsync(lease.Client, folder, temporary, path, source, uploadProgress,
                    cancellationToken).ConfigureAwait(false);
                lease.Dispose();
                if (attributes.Size != source.Length)
                    throw new StorageIntegrityException(
                        $"SFTP {operation}: the server holds {attributes.Size} bytes, {source.Length} were sent.");
                progress?.Report(new TransferProgress(source.Length, source.Length));
                LogStored(_storage.Name, key, source.Length,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                return ToStoredObject(key, attributes);
            }
            catch (Exception ex) when (ex is not StorageIntegrityException)
            {
                // The session may hold the temporary file's handle open (SSH.NET leaves it open when a transfer
                // fails or is cancelled): closing the session makes the server close it.
                lease.Discard();
                lease.Dispose();
                failure = ex;
            }

            var retry = attempt == 0 && lease.Reused && SftpErrors.IsConnectionFailure(failure) &&
                        !cancellationToken.IsCancellationRequested;
            if (!retry && !cancellationToken.IsCancellationRequested && failure is SftpException { StatusCode: StatusCode.Failure })
                failure = await ExplainFailureAsync(failure, operation, folder,
                    source.Length - uploadProgress.Acknowledged).ConfigureAwait(false);
            await DeleteQuietlyAsync(temporary).ConfigureAwait(false);
            if (retry)
            {
                _pool.DropIdle(); // the server restarted or the network broke: every idle session is dead too
                continue;
            }
            throw _errors.Classify(failure, operation, cancellationToken);
        }
    }

    private async Task<SftpFileAttributes> PutOnAsync(SftpClient client, string folder, string temporary, string path,
        UploadSource source, UploadProgress progress, CancellationToken cancellationToken)
    {
        await _folders.EnsureAsync(client, folder, cancellationToken).ConfigureAwait(false);
        // A cancelled token must stop a transfer even when SSH.NET waits for the server's window: end the session.
        // Off the cancelling thread: a disconnect from a hung server can block in its socket send.
        using (cancellationToken.Register(static c => _ = Task.Run(() => EndSession((SftpClient)c!)), client))
        {
            try
            {
                await GuardedUploadAsync(client, temporary, source, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (SftpPathNotFoundException) when (!cancellationToken.IsCancellationRequested)
            {
                // The folder vanished behind the cache's back (retention, a person): create it again, once.
                LogFolderMissing(_storage.Name, folder);
                _folders.ForgetAll();
                await _folders.EnsureAsync(client, folder, cancellationToken).ConfigureAwait(false);
                await GuardedUploadAsync(client, temporary, source, progress, cancellationToken).ConfigureAwait(false);
            }
        }
        await RenameOntoAsync(client, temporary, path, cancellationToken).ConfigureAwait(false);
        return await client.GetAttributesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    // Runs inside CancellationTokenSource.Cancel: it must not throw into the canceller.
    private static void EndSession(SftpClient client)
    {
        try { client.Disconnect(); }
        catch (Exception ex) when (ex is SshException or ObjectDisposedException or InvalidOperationException or IOException) { }
    }

    /// <summary>
    /// The upload, given up when the server acknowledges nothing for the operation timeout. SSH.NET's writes block
    /// in the socket when a hung server stops reading (its own timeout covers replies, not sends), so neither its
    /// timeout nor a cancellation ends them: the stuck call is left to end with its session, off our path.
    /// </summary>
    private async Task GuardedUploadAsync(SftpClient client, string temporary, UploadSource source, UploadProgress progress,
        CancellationToken cancellationToken)
    {
        var upload = UploadAsync(client, temporary, source, progress, cancellationToken);
        var limit = TimeSpan.FromSeconds(_options.OperationTimeoutSeconds);
        var acknowledged = progress.Acknowledged;
        var since = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                await upload.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException) when (!upload.IsCompleted)
            {
                Abandon(client, upload);
                throw;
            }
            if (progress.Acknowledged != acknowledged)
            {
                acknowledged = progress.Acknowledged;
                since = System.Diagnostics.Stopwatch.GetTimestamp();
            }
            else if (System.Diagnostics.Stopwatch.GetElapsedTime(since) >= limit)
            {
                Abandon(client, upload);
                throw new SshOperationTimeoutException(
                    $"the server acknowledged nothing for {_options.OperationTimeoutSeconds} s ({acknowledged} of {source.Length} bytes stored)");
            }
        }
    }

    private static void Abandon(SftpClient client, Task upload)
    {
        _ = upload.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        _ = Task.Run(() => EndSession(client));
    }

    private static async Task UploadAsync(SftpClient client, string temporary, UploadSource source, UploadProgress progress,
        CancellationToken cancellationToken)
    {
        var stream = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
            await client.UploadFileAsync(stream, temporary, canOverride: true, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task RenameOntoAsync(SftpClient client, string temporary, string path, CancellationToken cancellationToken)
    {
        if (_posixRename >= 0)
        {
            try
            {
                // SSH.NET has no asynchronous POSIX rename; it is one short request.
                await Task.Run(() => client.RenameFile(temporary, path, isPosix: true), cancellationToken).ConfigureAwait(false);
                _posixRename = 1;
                return;
            }
            catch (NotSupportedException)
            {
                _posixRename = -1;
                LogNoPosixRename(_storage.Name);
            }
        }
        // A plain SFTP v3 rename refuses an existing target: remove it first. Readers may find no object for a moment,
        // never a partial one.
        try
        {
            await client.DeleteFileAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (SftpPathNotFoundException)
        {
        }
        await client.RenameFileAsync(temporary, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// SSH_FX_FAILURE is all SFTP v3 says for a full disk (ENOSPC) and for many other errors. Where the server
    /// offers statvfs@openssh.com, the free space tells them apart; otherwise the error stays a retryable failure.
    /// </summary>
    private async Task<Exception> ExplainFailureAsync(Exception failure, string operation, string folder, long remaining)
    {
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        try
        {
            var status = await RunAsync("statvfs", (c, t) => c.GetStatusAsync(folder, t), timeout.Token).ConfigureAwait(false);
            var available = (long)Math.Min(status.AvailableBlocks * Math.Max(status.BlockSize, 1), long.MaxValue);
            if (available < Math.Max(remaining, 1L << 20))
                return new StorageQuotaException(
                    $"SFTP {operation}: the server's disk is full ({available} bytes free in '{folder}', " +
                    $"{Math.Max(remaining, 0)} more needed).", failure);
            return new StorageTransientException($"SFTP {operation}: the server failed ({_errors.Redact(failure.Message)}); " +
                                                 $"{available} bytes are free there.", failure);
        }
        catch (Exception ex) when (ex is StorageException or OperationCanceledException or NotSupportedException)
        {
            return failure; // no way to tell: classified as the retryable failure it is
        }
    }

    /// <inheritdoc />
    public Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        return RunAsync($"stat '{key}'", async (client, ct) =>
        {
            var attributes = await GetFileAttributesAsync(client, _paths.Of(key), ct).ConfigureAwait(false)
                             ?? throw new StorageNotFoundException($"No object at '{key}'.");
            return ToStoredObject(key, attributes);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        var operation = $"read '{key}'";
        for (var attempt = 0; ; attempt++)
        {
            var lease = await RentAsync(attempt == 0, operation, cancellationToken).ConfigureAwait(false);
            try
            {
                var stream = await lease.Client.OpenAsync(_paths.Of(key), FileMode.Open, FileAccess.Read, cancellationToken)
                    .ConfigureAwait(false);
                return new LeasedReadStream(stream, lease, _errors, key);
            }
            catch (Exception ex)
            {
                var connection = SftpErrors.IsConnectionFailure(ex);
                if (connection) lease.Discard();
                lease.Dispose();
                if (attempt == 0 && lease.Reused && connection && !cancellationToken.IsCancellationRequested)
                {
                    _pool.DropIdle();
                    continue;
                }
                if (ex is SftpPathNotFoundException) throw new StorageNotFoundException($"No object at '{key}'.", ex);
                throw _errors.Classify(ex, operation, cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValidPrefix(prefix);
        // Start at the deepest folder the prefix names completely, then filter by the plain string prefix. Each
        // folder is one page: read with a session, which goes back to the pool before its entries are yielded.
        var pending = new Stack<string>();
        pending.Push(StorageKeys.ParentOf(prefix.EndsWith('/') ? prefix + "x" : prefix));
        while (pending.Count > 0)
        {
            var folderKey = pending.Pop();
            var entries = await RunAsync($"list '{folderKey}'",
                (client, ct) => ReadFolderAsync(client, _paths.Of(folderKey), ct), cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var key = folderKey.Length == 0 ? entry.Name : folderKey + "/" + entry.Name;
                if (entry.Attributes.IsDirectory)
                {
                    var asFolder = key + "/";
                    if (asFolder.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(asFolder, StringComparison.Ordinal))
                        pending.Push(key);
                }
                else if (entry.Attributes.IsRegularFile && key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    yield return ToStoredObject(key, entry.Attributes);
                }
            }
        }
    }

    private static async Task<List<ISftpFile>> ReadFolderAsync(SftpClient client, string folderPath, CancellationToken cancellationToken)
    {
        var entries = new List<ISftpFile>();
        try
        {
            await foreach (var entry in client.ListDirectoryAsync(folderPath, cancellationToken).ConfigureAwait(false))
                if (entry.Name is not ("." or "..")) entries.Add(entry);
        }
        catch (SftpPathNotFoundException)
        {
            // nothing under this prefix
        }
        return entries;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        return RunAsync($"delete '{key}'", async (client, ct) =>
        {
            try
            {
                await client.DeleteFileAsync(_paths.Of(key), ct).ConfigureAwait(false);
            }
            catch (SftpPathNotFoundException)
            {
                // already gone: deleting is idempotent
            }
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task RemoveFolderIfEmptyAsync(string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        folder = folder.Trim('/');
        if (folder.Length == 0) return Task.CompletedTask; // never the root
        StorageKeys.EnsureValid(folder);
        var path = _paths.Of(folder);
        return RunAsync($"remove folder '{folder}'", async (client, ct) =>
        {
            try
            {
                await client.DeleteDirectoryAsync(path, ct).ConfigureAwait(false);
                _folders.Forget(path);
            }
            catch (SftpPathNotFoundException)
            {
                _folders.Forget(path);
            }
            catch (SftpException ex) when (ex is not SftpPermissionDeniedException)
            {
                // OpenSSH answers a plain failure for "not empty": only a folder that is empty and still there
                // makes that a real error.
                var attributes = await GetFileAttributesAsync(client, path, ct).ConfigureAwait(false);
                if (attributes is { IsDirectory: true } && (await ReadFolderAsync(client, path, ct).ConfigureAwait(false)).Count == 0)
                    throw;
            }
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DiagnosticResult>> DiagnoseAsync(CancellationToken cancellationToken) =>
        new SftpDiagnostics(_options, _paths, _pool, _errors).RunAsync(cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _pool.Dispose();

    /// <summary>Runs <paramref name="action"/> on a pooled session; a session that was idle in the pool and turns
    /// out dead (server restarted) is replaced once by a fresh one.</summary>
    private async Task<T> RunAsync<T>(string operation, Func<SftpClient, CancellationToken, Task<T>> action,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var lease = await RentAsync(attempt == 0, operation, cancellationToken).ConfigureAwait(false);
            try
            {
                return await action(lease.Client, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                var connection = SftpErrors.IsConnectionFailure(ex);
                if (connection || cancellationToken.IsCancellationRequested) lease.Discard();
                if (attempt == 0 && lease.Reused && connection && !cancellationToken.IsCancellationRequested)
                {
                    _pool.DropIdle();
                    continue;
                }
                throw _errors.Classify(ex, operation, cancellationToken);
            }
            finally
            {
                lease.Dispose();
            }
        }
    }

    private async Task<SftpConnectionPool.Lease> RentAsync(bool allowReuse, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await _pool.RentAsync(allowReuse, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw _errors.Classify(ex, operation, cancellationToken);
        }
    }

    private async Task DeleteQuietlyAsync(string path)
    {
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        try
        {
            await RunAsync("remove the temporary file", async (client, ct) =>
            {
                try { await client.DeleteFileAsync(path, ct).ConfigureAwait(false); }
                catch (SftpPathNotFoundException) { }
                return true;
            }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StorageException or OperationCanceledException)
        {
            // The host sweeps stale temporaries by their time-stamped names.
            LogCleanupFailed(_storage.Name, ex.Message);
        }
    }

    private static async Task<SftpFileAttributes?> GetFileAttributesAsync(SftpClient client, string path, CancellationToken ct)
    {
        try
        {
            var attributes = await client.GetAttributesAsync(path, ct).ConfigureAwait(false);
            return attributes.IsDirectory ? null : attributes;
        }
        catch (SftpPathNotFoundException)
        {
            return null;
        }
    }

    private static StoredObject ToStoredObject(string key, SftpFileAttributes attributes) =>
        new(key, attributes.Size, new DateTimeOffset(DateTime.SpecifyKind(attributes.LastWriteTimeUtc, DateTimeKind.Utc)));

    [LoggerMessage(LogLevel.Debug, "SFTP {Storage}: stored '{Key}', {Bytes} bytes in {Seconds:0.00} s")]
    private partial void LogStored(string storage, string key, long bytes, double seconds);

    [LoggerMessage(LogLevel.Information, "SFTP {Storage}: folder '{Folder}' is missing; creating it again")]
    private partial void LogFolderMissing(string storage, string folder);

    [LoggerMessage(LogLevel.Information, "SFTP {Storage}: the server offers no posix-rename@openssh.com; replacing objects by delete and rename")]
    private partial void LogNoPosixRename(string storage);

    [LoggerMessage(LogLevel.Debug, "SFTP {Storage}: could not remove a temporary file (the host sweeps it later): {Reason}")]
    private partial void LogCleanupFailed(string storage, string reason);
}
