using System.Collections.Concurrent;
using CamShare.Abstractions;
using CamShare.Core.Storage;

namespace CamShare.Core.Spool;

/// <summary>A complete segment waiting in the spool until every destination has verified it.</summary>
public sealed class SpoolSegment
{
    private readonly ConcurrentDictionary<string, Task<ObjectChecksum>> _checksums = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _verified = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _gone = new();

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

    /// <summary>Destination name → key at which it verified the segment. Only the spool changes it.</summary>
    public IReadOnlyDictionary<string, string> Verified => _verified;

    /// <summary>Set once the segment left the spool (dropped or removed); queued work for it is then skipped.</summary>
    public bool IsGone => _gone.IsCancellationRequested;

    /// <summary>Fires when the segment leaves the spool: an upload in flight for it is cancelled (a drop frees
    /// the bandwidth it was using).</summary>
    public CancellationToken Gone => _gone.Token;

    public bool IsVerified(string destination) => _verified.ContainsKey(destination);

    internal void SetVerified(string destination, string key) => _verified[destination] = key;

    internal void MarkGone() => _gone.Cancel();

    public override string ToString() => $"{Camera}/{FileName}";

    /// <summary>The local checksum of the given algorithm; MD5 is computed once at admission, others on demand.</summary>
    public Task<ObjectChecksum> ChecksumAsync(string algorithm, CancellationToken cancellationToken) =>
        _checksums.GetOrAdd(algorithm, a => Checksums.ComputeFileAsync(Path, a, CancellationToken.None)).WaitAsync(cancellationToken);
}
