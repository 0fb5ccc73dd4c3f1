using System.Collections.Concurrent;
using CamShare.Abstractions;
using CamShare.Core.Spool;
using CamShare.Core.Storage;
using CamShare.Crypt;

namespace CamShare.Core.Pipeline;

/// <summary>
/// Encrypts each segment in rclone's crypt format before it leaves the device: the key's names per the name cipher,
/// the content streamed block by block from the spooled file. One nonce per prepared upload, so every open (a
/// provider's retry) yields the same bytes, and the length is known up front; the expected checksums are those of
/// that ciphertext, computed by streaming it.
/// </summary>
public sealed class CryptTransform(RcloneCryptKeys keys, RcloneNameCipher names) : ISegmentTransform
{
    public RcloneNameCipher Names => names;

    public PreparedUpload Prepare(SpoolSegment segment, string key)
    {
        var nonce = RcloneCryptFormat.NewNonce();
        var plainLength = segment.Size;
        ValueTask<Stream> Open(CancellationToken _)
        {
            var file = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            return ValueTask.FromResult<Stream>(new RcloneEncryptingStream(file, keys.DataKey, nonce, plainLength));
        }
        var source = UploadSource.FromStream(RcloneCryptFormat.EncryptedSize(plainLength), Open);
        var checksums = new ConcurrentDictionary<string, Lazy<Task<ObjectChecksum>>>(StringComparer.OrdinalIgnoreCase);
        async Task<ObjectChecksum?> Expected(string algorithm, CancellationToken cancellationToken)
        {
            if (!Checksums.IsSupported(algorithm)) return null;
            var lazy = checksums.GetOrAdd(algorithm, a => new Lazy<Task<ObjectChecksum>>(async () =>
            {
                await using var stream = await Open(CancellationToken.None).ConfigureAwait(false);
                return await Checksums.ComputeAsync(stream, a, CancellationToken.None).ConfigureAwait(false);
            }));
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        return new PreparedUpload(names.EncryptFilePath(key), source, Expected);
    }
}
