using CamShare.Abstractions;
using CamShare.Core.Spool;
using CamShare.Core.Storage;

namespace CamShare.Core.Pipeline;

/// <summary>
/// Encrypts each segment in rclone's crypt format before it leaves the device: the key's names per the name cipher,
/// the content streamed block by block from the spooled file. One nonce per prepared upload, so every open (a
/// provider's retry) yields the same bytes, and the length is known up front; the expected checksums are those of
/// that ciphertext, computed by streaming it once (on the first question).
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
        // Asked for after the put, per algorithm the provider reported: one pass over the ciphertext serves them all.
        var checksums = new Lazy<Task<Dictionary<string, ObjectChecksum>>>(async () =>
        {
            await using var stream = await Open(CancellationToken.None).ConfigureAwait(false);
            return await HashAllAsync(stream).ConfigureAwait(false);
        });
        async Task<ObjectChecksum?> Expected(string algorithm, CancellationToken cancellationToken) =>
            Algorithms.Contains(algorithm, StringComparer.OrdinalIgnoreCase)
                ? (await checksums.Value.WaitAsync(cancellationToken).ConfigureAwait(false))[algorithm]
                : null;
        return new PreparedUpload(names.EncryptFilePath(key), source, Expected);
    }

    private static readonly string[] Algorithms = [ChecksumAlgorithms.Md5, ChecksumAlgorithms.Sha1, ChecksumAlgorithms.Sha256];

    private static async Task<Dictionary<string, ObjectChecksum>> HashAllAsync(Stream stream)
    {
        var hashes = Algorithms.Select(Checksums.Create).ToArray();
        try
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                foreach (var hash in hashes) hash.AppendData(buffer, 0, read);
            return Algorithms.Zip(hashes).ToDictionary(p => p.First,
                p => ObjectChecksum.Of(p.First, Convert.ToHexStringLower(p.Second.GetHashAndReset())), StringComparer.OrdinalIgnoreCase);
        }
        finally
        {
            foreach (var hash in hashes) hash.Dispose();
        }
    }
}
