using System.Runtime.CompilerServices;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace Contoso.Storage.Example;

/// <summary>
/// REPLACE THIS WITH YOUR BACKEND. A small but complete provider that keeps objects as files under a folder, to show
/// the rules every provider follows (they are the contract of <see cref="IStorageProvider"/>, and the conformance
/// suite in the tests project checks each of them):
/// <list type="bullet">
/// <item>a put is atomic: write a temporary object, make it durable, then rename it over the key (or use the
/// backend's own atomic put); a failed or cancelled put removes its temporary object;</item>
/// <item>content is streamed, never held in memory whole; progress is reported as bytes go out;</item>
/// <item>temporary names come from <see cref="StorageKeys.TemporaryKeyFor"/> only, and listings include them
/// (camshare hides them and sweeps stale ones); deleting a missing key succeeds;</item>
/// <item>a missing key is a <see cref="StorageNotFoundException"/>, never null; every other failure is classified
/// by <see cref="ExampleStorageErrors"/> (no secret in any message); cancellation is honoured everywhere.</item>
/// </list>
/// One instance serves one configured storage and may be called from several threads at once.
/// </summary>
public sealed class ExampleStorageProvider : IStorageProvider
{
    private const int BufferSize = 1 << 16;

    private readonly string _root;
    private readonly ILogger<ExampleStorageProvider> _logger;

    /// <summary>camshare creates one provider per configured storage through this constructor; it may also take
    /// a <see cref="StorageIdentity"/> and any service from the container.</summary>
    public ExampleStorageProvider(ExampleStorageOptions options, ILogger<ExampleStorageProvider> logger)
    {
        _root = Path.GetFullPath(options.Path);
        _logger = logger;
    }

    public async Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        var target = PathOf(key);
        var folder = Path.GetDirectoryName(target)!;
        var temp = PathOf(StorageKeys.TemporaryKeyFor(key));
        try
        {
            Directory.CreateDirectory(folder);
            long sent = 0;
            await using (var input = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None,
                             BufferSize, FileOptions.Asynchronous))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    sent += read;
                    progress?.Report(new TransferProgress(sent, source.Length));
                }
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true); // durable before the rename makes it visible
            }
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, target, overwrite: true); // the atomic step: readers see the old file or the new one
            FlushFolder(folder);
            return Describe(key, new FileInfo(target));
        }
        catch (Exception error)
        {
            TryDelete(temp);
            if (error is OperationCanceledException) throw;
            throw ExampleStorageErrors.Map(error, $"storing '{key}'");
        }
    }

    public Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var file = new FileInfo(PathOf(key));
        if (!file.Exists) throw new StorageNotFoundException($"No object at '{key}'.");
        return Task.FromResult(Describe(key, file));
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(key);
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read,
                BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception error)
        {
            throw ExampleStorageErrors.Map(error, $"reading '{key}'");
        }
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValidPrefix(prefix);
        // Walk only the deepest folder the prefix names completely, then filter by the plain string prefix.
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? _root : Path.Combine(_root, prefix[..lastSlash].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(start)) yield break;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var file in new DirectoryInfo(start).EnumerateFiles("*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal)) yield return Describe(key, file);
        }
        await Task.CompletedTask.ConfigureAwait(false); // a real backend awaits its paged listing here
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(key);
        try
        {
            File.Delete(path); // no error when the file is missing
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing to delete: deleting is idempotent.
        }
        catch (Exception error)
        {
            throw ExampleStorageErrors.Map(error, $"deleting '{key}'");
        }
        return Task.CompletedTask;
    }

    /// <summary>Maps a key onto the backend; invalid keys are refused before anything is touched.</summary>
    private string PathOf(string key)
    {
        StorageKeys.EnsureValid(key);
        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    private static StoredObject Describe(string key, FileInfo file) =>
        new(key, file.Length, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));

    private void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Could not remove the temporary file {Path}: {Reason}", path, error.Message);
        }
    }

    // A rename is durable only once its folder is flushed too (Linux, macOS); Windows needs no such call.
    private static void FlushFolder(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            using var handle = File.OpenHandle(folder, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Some file systems (network shares) refuse to open folders; the file's data is already on disk.
        }
    }
}
