using System.Collections.Concurrent;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace CamShare.Storage.Sftp;

/// <summary>
/// mkdir -p with a memory of folders known to exist, so that a put into a known folder costs no round trip.
/// The memory can be wrong (retention or a person removed a folder): callers forget and try again.
/// </summary>
internal sealed class SftpFolders
{
    private readonly ConcurrentDictionary<string, byte> _known = new(StringComparer.Ordinal);

    public async Task EnsureAsync(SftpClient client, string folderPath, CancellationToken cancellationToken)
    {
        if (folderPath is "." or "/" or "" || _known.ContainsKey(folderPath)) return;
        if (await IsFolderAsync(client, folderPath, cancellationToken).ConfigureAwait(false))
        {
            Remember(folderPath);
            return;
        }
        foreach (var level in SftpPaths.Levels(folderPath))
        {
            if (_known.ContainsKey(level)) continue;
            try
            {
                await client.CreateDirectoryAsync(level, cancellationToken).ConfigureAwait(false);
            }
            catch (SftpException) when (!cancellationToken.IsCancellationRequested)
            {
                // OpenSSH answers a plain failure for "exists"; anything else that is not a folder is a real error.
                if (!await IsFolderAsync(client, level, cancellationToken).ConfigureAwait(false)) throw;
            }
            _known.TryAdd(level, 0);
        }
    }

    /// <summary>Forgets everything: a folder vanished behind our back, and its parents may have too.</summary>
    public void ForgetAll() => _known.Clear();

    /// <summary>Forgets <paramref name="folderPath"/> and everything under it (it was removed).</summary>
    public void Forget(string folderPath)
    {
        foreach (var known in _known.Keys)
            if (known == folderPath || known.StartsWith(folderPath + "/", StringComparison.Ordinal))
                _known.TryRemove(known, out _);
    }

    private void Remember(string folderPath)
    {
        foreach (var level in SftpPaths.Levels(folderPath)) _known.TryAdd(level, 0);
    }

    private static async Task<bool> IsFolderAsync(SftpClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetAttributesAsync(path, cancellationToken).ConfigureAwait(false)).IsDirectory;
        }
        catch (SftpPathNotFoundException)
        {
            return false;
        }
    }
}
