namespace CamShare.Abstractions;

/// <summary>
/// The content of a put: something that can be opened (more than once, for retries) as a stream of a known length,
/// with the checksums of that content the host already computed.
/// </summary>
public sealed class UploadSource
{
    private readonly Func<CancellationToken, ValueTask<Stream>> _open;

    private UploadSource(long length, string? localPath, IReadOnlyList<ObjectChecksum> checksums,
        Func<CancellationToken, ValueTask<Stream>> open)
    {
        Length = length;
        LocalPath = localPath;
        KnownChecksums = checksums;
        _open = open;
    }

    /// <summary>Length of the content in bytes.</summary>
    public long Length { get; }

    /// <summary>
    /// Set when the content is exactly the bytes of a local file, so that a provider driving an external tool
    /// (rclone, for instance) can hand it the path. Null for transformed content (e.g. encrypted on the fly).
    /// </summary>
    public string? LocalPath { get; }

    /// <summary>
    /// Checksums of the content that the host already computed (the spool hashes every segment once). A provider
    /// that must send a checksum up front (S3 Content-MD5, for instance) uses these instead of reading the bytes
    /// again; it never reports them back as its own: <see cref="StoredObject.Checksums"/> holds only what the
    /// backend computed. Empty when unknown.
    /// </summary>
    public IReadOnlyList<ObjectChecksum> KnownChecksums { get; }

    /// <summary>The known checksum of <paramref name="algorithm"/>, if there is one.</summary>
    public ObjectChecksum? FindKnownChecksum(string algorithm) =>
        KnownChecksums.FirstOrDefault(c => string.Equals(c.Algorithm, algorithm, StringComparison.OrdinalIgnoreCase));

    /// <summary>Opens a new stream positioned at the start of the content. The caller disposes it.</summary>
    public ValueTask<Stream> OpenAsync(CancellationToken cancellationToken) => _open(cancellationToken);

    /// <summary>The bytes of a local file, with any checksums of it already known.</summary>
    public static UploadSource FromFile(string path, params IReadOnlyList<ObjectChecksum> knownChecksums)
    {
        var length = new FileInfo(path).Length;
        return new UploadSource(length, Path.GetFullPath(path), knownChecksums, _ => ValueTask.FromResult<Stream>(
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan)));
    }

    /// <summary>Content produced by <paramref name="open"/>, which must yield exactly <paramref name="length"/> bytes
    /// (the same bytes) each time.</summary>
    public static UploadSource FromStream(long length, Func<CancellationToken, ValueTask<Stream>> open,
        params IReadOnlyList<ObjectChecksum> knownChecksums)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new UploadSource(length, null, knownChecksums, open);
    }
}
