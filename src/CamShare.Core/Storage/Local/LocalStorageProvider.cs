using System.Runtime.CompilerServices;
using CamShare.Abstractions;

namespace CamShare.Core.Storage.Local;

/// <summary>
/// Stores objects as files under a root folder. A put writes the contract's temporary name next to the target,
/// fsyncs it, renames it over the target and fsyncs the folder, so readers see the old file or the complete new
/// one, and a power cut after the put returned loses neither.
/// </summary>
public sealed class LocalStorageProvider : IStorageProvider, IServerSideHashCapability, IFolderCleanupCapability
{
    private readonly string _root;

    public LocalStorageProvider(LocalStorageOptions options)
    {
        _root = System.IO.Path.GetFullPath(options.Path);
    }

    public string Root => _root;

    public IReadOnlyCollection<string> SupportedHashes { get; } =
        [ChecksumAlgorithms.Md5, ChecksumAlgorithms.Sha1, ChecksumAlgorithms.Sha256];

    public async Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        var target = PathOf(key);
        var folder = System.IO.Path.GetDirectoryName(target)!;
        var temp = PathOf(StorageKeys.TemporaryKeyFor(key));
        try
        {
            Directory.CreateDirectory(folder);
            long written = 0;
            await using (var input = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None,
                             1 << 16, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    written += read;
                    progress?.Report(new TransferProgress(written, source.Length));
                }
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true); // the data must be on disk before the rename makes it visible
            }
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, target, overwrite: true);
            DirectorySync.Flush(folder);
            return Describe(key, new FileInfo(target));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            TryDelete(temp);
            throw Classify(ex, key);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var info = new FileInfo(PathOf(key));
        if (!info.Exists) throw new StorageNotFoundException($"No object at '{key}'.");
        return Task.FromResult(Describe(key, info));
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return Task.FromResult<Stream>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read,
                1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StorageNotFoundException($"No object at '{key}'.", ex);
        }
        catch (Exception ex)
        {
            throw Classify(ex, key);
        }
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StorageKeys.EnsureValidPrefix(prefix);
        // Walk only the deepest folder the prefix names fully, then filter by the plain string prefix.
        var folderPart = StorageKeys.ParentOf(prefix.EndsWith('/') ? prefix + "x" : prefix);
        var start = folderPart.Length == 0 ? _root : System.IO.Path.Combine(_root, folderPart);
        if (!Directory.Exists(start)) yield break;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var file in new DirectoryInfo(start).EnumerateFiles("*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = System.IO.Path.GetRelativePath(_root, file.FullName).Replace(System.IO.Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal))
                yield return Describe(key, file);
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            File.Delete(PathOf(key)); // no error when missing
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception ex)
        {
            throw Classify(ex, key);
        }
        return Task.CompletedTask;
    }

    public async Task<ObjectChecksum> GetHashAsync(string key, string algorithm, CancellationToken cancellationToken)
    {
        await using var stream = await OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        return await Checksums.ComputeAsync(stream, algorithm, cancellationToken).ConfigureAwait(false);
    }

    public Task RemoveFolderIfEmptyAsync(string folder, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        StorageKeys.EnsureValid(folder);
        var path = PathOf(folder);
        try
        {
            if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any()) Directory.Delete(path);
        }
        catch (IOException)
        {
            // Something arrived in the meantime: the folder is not empty, which is fine.
        }
        catch (Exception ex)
        {
            throw Classify(ex, folder);
        }
        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        StorageKeys.EnsureValid(key);
        return System.IO.Path.Combine(_root, key.Replace('/', System.IO.Path.DirectorySeparatorChar));
    }

    private static StoredObject Describe(string key, FileInfo info) =>
        new(key, info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));

    private static StorageException Classify(Exception ex, string key) => ex switch
    {
        StorageException storage => storage,
        UnauthorizedAccessException => new StorageAuthenticationException($"Permission denied writing '{key}': {ex.Message}", ex),
        IOException io when IsDiskFull(io) => new StorageQuotaException($"Disk full while writing '{key}'.", ex),
        _ => new StorageTransientException($"I/O error on '{key}': {ex.Message}", ex),
    };

    // ENOSPC (28) and EDQUOT (122) on Linux; ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.
    private static bool IsDiskFull(IOException io) => (io.HResult & 0xFFFF) is 28 or 122 or 39 or 112;

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
