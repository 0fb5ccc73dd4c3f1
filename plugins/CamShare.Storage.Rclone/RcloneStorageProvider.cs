using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace CamShare.Storage.Rclone;

/// <summary>
/// Stores objects on any rclone remote by running the rclone binary: <c>copyto</c> (local files) or <c>rcat</c>
/// (streams, piped through stdin) to a temporary name beside the key, then <c>moveto</c> onto the key, so readers
/// never see a partial object even on backends where rclone writes in place (local, sftp in rclone 1.60).
/// </summary>
public sealed class RcloneStorageProvider : IStorageProvider, IShareLinkCapability, IFolderCleanupCapability, IStorageDiagnostics
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(60);
    private readonly RcloneStorageOptions _options;
    private readonly StorageIdentity _storage;
    private readonly ILogger<RcloneStorageProvider> _logger;
    private readonly RcloneRemote _remote;

    // Temporary objects a failed put could not remove (the server was down): removed after the next good put.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _leftovers = new(StringComparer.Ordinal);
    private const int LeftoverTries = 5;

    public RcloneStorageProvider(RcloneStorageOptions options, StorageIdentity storage,
        ILogger<RcloneStorageProvider> logger)
    {
        _options = options;
        _storage = storage;
        _logger = logger;
        _remote = new RcloneRemote(options.Remote);
        var environment = new Dictionary<string, string>(options.Environment ?? [], StringComparer.Ordinal);
        Runner = new RcloneRunner(RcloneBinary.Resolve(options.RclonePath) ?? options.RclonePath, options.ConfigPath,
            environment, options.ExtraFlags ?? [], options.BandwidthLimit,
            options.OperationTimeoutSeconds > 0 ? TimeSpan.FromSeconds(options.OperationTimeoutSeconds) : null,
            RcloneSecrets.RedactorFor(environment), logger);
    }

    internal RcloneRunner Runner { get; }

    public async Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        ArgumentNullException.ThrowIfNull(source);
        cancellationToken.ThrowIfCancellationRequested();
        var uploadKey = _options.UploadViaTemporaryName ? StorageKeys.TemporaryKeyFor(key) : key;
        var length = source.Length;
        void OnStats(long bytes, long _) => progress?.Report(new TransferProgress(Math.Clamp(bytes, 0, length), length));
        var temporaryMayExist = uploadKey != key;
        try
        {
            if (source.LocalPath is { } localPath)
                await CopyFileAsync(localPath, key, uploadKey, OnStats, cancellationToken).ConfigureAwait(false);
            else
                await StreamAsync(source, key, uploadKey, OnStats, cancellationToken).ConfigureAwait(false);

            if (uploadKey != key)
            {
                var moved = await Runner.RunAsync("moveto", [_remote.PathOf(uploadKey), _remote.PathOf(key)],
                    cancellationToken).ConfigureAwait(false);
                if (!moved.Succeeded) throw Fail(moved, key);
                temporaryMayExist = false; // moved: nothing left at the temporary name
            }
            var stored = await DescribeAsync(key, withHashes: true, cancellationToken).ConfigureAwait(false);
            if (stored.Size != length)
                throw new StorageIntegrityException(
                    $"rclone stored {stored.Size} bytes at '{key}' on {_remote} but {length} were sent.");
            progress?.Report(new TransferProgress(length, length));
            _logger.LogDebug("stored {Key} ({Size} bytes) on {Storage}", key, length, _storage.Name);
            await RemoveLeftoversAsync().ConfigureAwait(false);
            return stored;
        }
        catch (Exception ex) when (temporaryMayExist &&
                                   ex is not (StorageAuthenticationException or StorageConfigurationException))
        {
            // (a refused login or a broken config created nothing to clean up)
            await DeleteQuietlyAsync(uploadKey).ConfigureAwait(false);
            throw;
        }
    }

    private async Task CopyFileAsync(string localPath, string key, string uploadKey, Action<long, long> onStats,
        CancellationToken cancellationToken)
    {
        // An absolute path never parses as "remote:path" in rclone, whatever characters it holds.
        var result = await Runner.RunAsync("copyto", [Path.GetFullPath(localPath), _remote.PathOf(uploadKey)],
            cancellationToken, transfer: true, onStats: onStats).ConfigureAwait(false);
        if (!result.Succeeded) throw Fail(result, key);
    }

    private async Task StreamAsync(UploadSource source, string key, string uploadKey, Action<long, long> onStats,
        CancellationToken cancellationToken)
    {
        await using var run = Runner.Start("rcat",
            ["--size", source.Length.ToString(CultureInfo.InvariantCulture), _remote.PathOf(uploadKey)],
            cancellationToken, transfer: true, onStats: onStats);
        using var pumpStop = CancellationTokenSource.CreateLinkedTokenSource(run.Token);
        var pump = PumpAsync(source, run, pumpStop.Token);
        var exit = run.WaitForExitAsync();
        if (await Task.WhenAny(pump, exit).ConfigureAwait(false) == exit)
            await pumpStop.CancelAsync().ConfigureAwait(false); // rclone ended early: stop feeding it
        try
        {
            await pump.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PipeClosedException ||
                                   ex is OperationCanceledException && pumpStop.IsCancellationRequested &&
                                   !run.Token.IsCancellationRequested)
        {
            // rclone stopped reading its stdin (it exited): its exit code tells what happened.
        }
        catch
        {
            run.Kill(); // cancelled, timed out, or the source failed: rclone must not store a short object
            run.ThrowIfStopped();
            throw;
        }
        var code = await exit.ConfigureAwait(false);
        if (code != 0) throw Fail(new RcloneResult("rcat", code, "", run.ErrorText), key);
    }

    private static async Task PumpAsync(UploadSource source, RcloneProcess run, CancellationToken token)
    {
        await Task.Yield();
        var buffer = new byte[1 << 16];
        await using (var input = await source.OpenAsync(token).ConfigureAwait(false))
        {
            var stdin = run.Input;
            int read;
            while ((read = await input.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
            {
                try
                {
                    await stdin.WriteAsync(buffer.AsMemory(0, read), token).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    throw new PipeClosedException(ex);
                }
            }
        }
        run.CloseInput();
    }

    /// <summary>rclone closed its end of the pipe (as opposed to the source failing with an I/O error).</summary>
    private sealed class PipeClosedException(Exception inner) : IOException("rclone stopped reading its input", inner);

    public Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        return DescribeAsync(key, withHashes: false, cancellationToken);
    }

    private async Task<StoredObject> DescribeAsync(string key, bool withHashes, CancellationToken cancellationToken)
    {
        List<string> arguments = ["--stat", "--no-mimetype"];
        if (withHashes)
            foreach (var algorithm in new[] { ChecksumAlgorithms.Md5, ChecksumAlgorithms.Sha1, ChecksumAlgorithms.Sha256 })
            {
                arguments.Add("--hash-type");
                arguments.Add(algorithm);
            }
        arguments.Add(_remote.PathOf(key));
        var result = await Runner.RunAsync("lsjson", arguments, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded) throw Fail(result, key);
        LsJsonItem? item;
        try
        {
            item = JsonSerializer.Deserialize(result.Output, RcloneJsonContext.Default.LsJsonItem);
        }
        catch (JsonException ex)
        {
            throw new StorageTransientException($"rclone lsjson gave unreadable output for '{key}'.", ex);
        }
        if (item is null || item.IsDir) throw new StorageNotFoundException($"No object at '{key}' on {_remote}.");
        var checksums = (item.Hashes ?? [])
            .Where(h => h.Key is ChecksumAlgorithms.Md5 or ChecksumAlgorithms.Sha1 or ChecksumAlgorithms.Sha256 &&
                        h.Value.Length > 0)
            .Select(h => ObjectChecksum.Of(h.Key, h.Value))
            .ToList();
        return new StoredObject(key, item.Size, item.ModTime, checksums);
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        await DescribeAsync(key, withHashes: false, cancellationToken).ConfigureAwait(false); // NotFound before streaming
        // The stream outlives this call: only the operation timeout (and disposal) ends the rclone run.
        var run = Runner.Start("cat", [_remote.PathOf(key)], CancellationToken.None);
        run.CloseInput();
        return new RcloneReadStream(run, result => Fail(result, key));
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValidPrefix(prefix);
        // List only the deepest folder the prefix names completely, then filter by the plain string prefix.
        var folder = StorageKeys.ParentOf(prefix.EndsWith('/') ? prefix + "x" : prefix);
        await using var run = Runner.Start("lsjson",
            ["--recursive", "--files-only", "--no-mimetype", _remote.PathOf(folder)], cancellationToken);
        run.CloseInput();
        var items = new List<StoredObject>();
        Exception? parseError = null;
        try
        {
            await foreach (var item in JsonSerializer.DeserializeAsyncEnumerable(run.Output,
                               RcloneJsonContext.Default.LsJsonItem, run.Token).ConfigureAwait(false))
            {
                if (item is null || item.IsDir) continue;
                var key = folder.Length == 0 ? item.Path : folder + "/" + item.Path;
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                    items.Add(new StoredObject(key, item.Size, item.ModTime));
            }
        }
        catch (Exception ex) when (ex is JsonException or OperationCanceledException or IOException)
        {
            parseError = ex; // a failed run leaves half a document; the exit code says what went wrong
        }
        var code = await run.WaitForExitAsync().ConfigureAwait(false);
        if (code == RcloneErrors.DirNotFound) yield break; // nothing was ever stored under the prefix
        if (code != 0) throw Fail(new RcloneResult("lsjson", code, "", run.ErrorText), prefix);
        if (parseError is not null)
            throw new StorageTransientException($"rclone lsjson gave unreadable output for '{prefix}'.", parseError);
        // Yielded after rclone succeeded, so a caller never acts on a listing that later turns out incomplete.
        foreach (var item in items) yield return item;
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        var result = await Runner.RunAsync("deletefile", [_remote.PathOf(key)], cancellationToken).ConfigureAwait(false);
        if (result.Succeeded) return;
        var error = Fail(result, key);
        if (error is not StorageNotFoundException) throw error;
        // rclone exits 1 for "is a directory or doesn't exist": a missing object is already deleted.
    }

    /// <summary>`rclone rmdir` removes a directory only when it is empty (on remotes without directories, such as
    /// S3, there is nothing to remove and it does nothing).</summary>
    public async Task RemoveFolderIfEmptyAsync(string folder, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(folder);
        var result = await Runner.RunAsync("rmdir", [_remote.PathOf(folder)], cancellationToken).ConfigureAwait(false);
        if (result.Succeeded) return;
        if (Fail(result, folder) is StorageNotFoundException) return; // not there: nothing to remove
        // rmdir also refuses a folder that holds anything, which is no failure: a listing that works says the
        // remote is fine (and throws the remote's error if it is not).
        await using var items = ListAsync(folder + "/", cancellationToken).GetAsyncEnumerator(cancellationToken);
        await items.MoveNextAsync().ConfigureAwait(false);
    }

    public async Task<Uri> CreateShareLinkAsync(string key, TimeSpan validFor, CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValid(key);
        await DescribeAsync(key, withHashes: false, cancellationToken).ConfigureAwait(false);
        var seconds = Math.Max(1, (long)Math.Ceiling(validFor.TotalSeconds));
        var result = await Runner.RunAsync("link",
            ["--expire", seconds.ToString(CultureInfo.InvariantCulture) + "s", _remote.PathOf(key)],
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded) throw Fail(result, key);
        var text = result.Output.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var link))
            throw new StorageTransientException($"rclone link printed no URL for '{key}' on {_remote}.");
        return link;
    }

    public async Task<IReadOnlyList<DiagnosticResult>> DiagnoseAsync(CancellationToken cancellationToken) =>
        await new RcloneDiagnostics(Runner, _remote, _options).RunAsync(cancellationToken).ConfigureAwait(false);

    private Exception Fail(RcloneResult result, string key)
    {
        var kind = RcloneErrors.Classify(result.ExitCode, result.ErrorText);
        var detail = result.ErrorText.Length > 0 ? result.ErrorText : "no error text";
        var hint = kind switch
        {
            RcloneErrors.Kind.Configuration => RemoteMissing(result.ErrorText)
                ? $" The remote '{_remote.Name}' is not in rclone's config: check `rclone listremotes`" +
                  (_options.ConfigPath is null ? "" : " with --config " + _options.ConfigPath) +
                  ", or define it with RCLONE_CONFIG_* variables in environment."
                : "",
            _ => "",
        };
        var message = $"rclone {result.Command} of '{key}' on {_remote} failed (exit code {result.ExitCode}): {detail}.{hint}";
        return RcloneErrors.ToException(kind, Runner.Redactor.Redact(message));
    }

    private static bool RemoteMissing(string text) =>
        text.Contains("didn't find section in config file", StringComparison.OrdinalIgnoreCase);


    private async Task DeleteQuietlyAsync(string key)
    {
        if (!await TryDeleteAsync(key).ConfigureAwait(false)) _leftovers.TryAdd(key, 0);
    }

    /// <summary>The remote works again: retry removing what failed puts left behind, a few times each.</summary>
    private async Task RemoveLeftoversAsync()
    {
        foreach (var (key, tries) in _leftovers)
        {
            if (await TryDeleteAsync(key).ConfigureAwait(false))
                _leftovers.TryRemove(key, out _);
            else if (tries + 1 >= LeftoverTries && _leftovers.TryRemove(key, out _))
                _logger.LogWarning("temporary object {Key} on {Storage} could not be removed after {Tries} tries; it is " +
                                   "hidden from listings, remove it by hand", key, _storage.Name, LeftoverTries);
            else
                _leftovers[key] = tries + 1;
        }
    }

    /// <returns>True when the object is gone (removed now, or never there).</returns>
    private async Task<bool> TryDeleteAsync(string key)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CleanupTimeout);
            var result = await Runner.RunAsync("deletefile", [_remote.PathOf(key)], timeout.Token).ConfigureAwait(false);
            if (result.Succeeded) return true;
            var gone = result.ExitCode == 4 || result.ErrorText.Contains("not found", StringComparison.OrdinalIgnoreCase);
            if (!gone) _logger.LogDebug("temporary object {Key} not removed: {Error}", key, result.ErrorText);
            return gone;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogDebug("could not remove temporary object {Key} on {Storage}: {Error}", key, _storage.Name,
                Runner.Redactor.Redact(ex.Message));
            return false;
        }
    }
}
