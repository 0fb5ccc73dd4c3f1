using System.Security.Cryptography;
using CamShare.Abstractions;

namespace CamShare.Core.Storage;

/// <summary>Local computation of the checksums providers may report, for verification.</summary>
public static class Checksums
{
    public static bool IsSupported(string algorithm) => algorithm.ToLowerInvariant() is
        ChecksumAlgorithms.Md5 or ChecksumAlgorithms.Sha1 or ChecksumAlgorithms.Sha256;

    public static IncrementalHash Create(string algorithm) => algorithm.ToLowerInvariant() switch
    {
        ChecksumAlgorithms.Md5 => IncrementalHash.CreateHash(HashAlgorithmName.MD5),
        ChecksumAlgorithms.Sha1 => IncrementalHash.CreateHash(HashAlgorithmName.SHA1),
        ChecksumAlgorithms.Sha256 => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
        _ => throw new NotSupportedException($"Checksum algorithm '{algorithm}' is not supported."),
    };

    public static async Task<ObjectChecksum> ComputeAsync(Stream stream, string algorithm, CancellationToken cancellationToken)
    {
        using var hash = Create(algorithm);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            hash.AppendData(buffer, 0, read);
        return ObjectChecksum.Of(algorithm.ToLowerInvariant(), Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    public static async Task<ObjectChecksum> ComputeFileAsync(string path, string algorithm, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await ComputeAsync(stream, algorithm, cancellationToken).ConfigureAwait(false);
    }
}
