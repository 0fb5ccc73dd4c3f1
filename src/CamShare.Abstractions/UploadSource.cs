namespace CamShare.Abstractions;

/// <summary>
/// The content of a put: something that can be opened (more than once, for retries) as a stream of a known length.
/// </summary>
public sealed class UploadSource
{
    private readonly Func<CancellationToken, ValueTask<Stream>> _open;

    private UploadSource(long length, string? localPath, Func<CancellationToken, ValueTask<Stream>> open)
    {
        Length = length;
        LocalPath = localPath;
        _open = open;
    }

    /// <summary>Length of the content in bytes.</summary>
    public long Length { get; }

    /// <summary>
    /// Set when the content is exactly the bytes of a local file, so that a provider driving an external tool
    /// (rclone, for instance) can hand it the path. Null for transformed content (e.g. encrypted on the fly).
    /// </summary>
    public string? LocalPath { get; }

    /// <summary>Opens a new stream positioned at the start of the content. The caller disposes it.</summary>
    public ValueTask<Stream> OpenAsync(CancellationToken cancellationToken) => _open(cancellationToken);

    /// <summary>The bytes of a local file.</summary>
    public static UploadSource FromFile(string path)
    {
        var length = new FileInfo(path).Length;
        return new UploadSource(length, Path.GetFullPath(path), _ => ValueTask.FromResult<Stream>(
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan)));
    }

    /// <summary>Content produced by <paramref name="open"/>, which must yield exactly <paramref name="length"/> bytes each time.</summary>
    public static UploadSource FromStream(long length, Func<CancellationToken, ValueTask<Stream>> open)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new UploadSource(length, null, open);
    }
}
