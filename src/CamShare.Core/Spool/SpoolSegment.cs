using System.Collections.Concurrent;
using CamShare.Abstractions;
using CamShare.Core.Storage;

namespace CamShare.Core.Spool;

/// <summary>A complete segment waiting in the spool until every destination has verified it.</summary>
public sealed class SpoolSegment
{
    private readonly ConcurrentDictionary<string, Task<ObjectChecksum>> _checksums = new(StringComparer.OrdinalIgnoreCase);

    internal SpoolSegment(string camera, string path, long size, string md5, DateTimeOffset start, IReadOnlyList<string> destinations)
    {
        Camera = camera;
        Path = path;
        FileName = System.IO.Path.GetFileName(path);
        Size = size;
        Md5 = md5;
        Start = start;
        Destinations = destinations;
        _checksums[ChecksumAlgorithms.Md5] = Task.FromResult(ObjectChecksum.Of(ChecksumAlgorithms.Md5, md5));
    }

    public string Camera { get; }
    public string FileName { get; }
    public string Path { get; }
    public long Size { get; }
    public string Md5 { get; }
    public DateTimeOffset Start { get; }
    public IReadOnlyList<string> Destinations { get; }

    /// <summary>Destination name → key at which it verified the segment.</summary>
    public ConcurrentDictionary<string, string> Verified { get; } = new(StringComparer.Ordinal);

    /// <summary>Set once the segment left the spool (dropped or removed); queued work for it is then skipped.</summary>
    public bool IsGone { get; internal set; }

    public bool IsVerified(string destination) => Verified.ContainsKey(destination);

    public override string ToString() => $"{Camera}/{FileName}";

    /// <summary>The local checksum of the given algorithm; MD5 is computed once at admission, others on demand.</summary>
    internal Task<ObjectChecksum> ChecksumAsync(string algorithm, CancellationToken cancellationToken) =>
        _checksums.GetOrAdd(algorithm, a => Checksums.ComputeFileAsync(Path, a, CancellationToken.None)).WaitAsync(cancellationToken);
}
