using CamShare.Abstractions;
using CamShare.Core.Spool;
using CamShare.Core.Storage;

namespace CamShare.Core.Pipeline;

/// <summary>
/// What a destination uploads for a segment: the object key, the content, and the checksums that the stored
/// object must match. Produced by the transform stage; the same segment yields the same bytes on every open.
/// </summary>
/// <param name="Key">Where the object goes (an encrypting transform encrypts the name too).</param>
/// <param name="Source">The content, re-openable for retries.</param>
/// <param name="ExpectedChecksum">The local checksum of <paramref name="Source"/>'s bytes for an algorithm, or
/// null when the host cannot compute it.</param>
public sealed record PreparedUpload(string Key, UploadSource Source, Func<string, CancellationToken, Task<ObjectChecksum?>> ExpectedChecksum);

/// <summary>The transform stage: turns a spooled segment into what a destination stores (identity, encryption).</summary>
public interface ISegmentTransform
{
    /// <summary>Prepares the upload of <paramref name="segment"/> to the plain key <paramref name="key"/>.</summary>
    PreparedUpload Prepare(SpoolSegment segment, string key);
}

/// <summary>The publish stage: runs after a segment was verified and committed (e.g. a viewer's index).
/// Its failures are logged and never undo or delay the upload.</summary>
public interface ISegmentPublisher
{
    /// <summary>Called once per segment after the destination verified it at <paramref name="stored"/>.</summary>
    Task PublishAsync(SpoolSegment segment, StoredObject stored, CancellationToken cancellationToken);
}

/// <summary>Uploads the segment's own bytes under the plain key.</summary>
public sealed class IdentityTransform : ISegmentTransform
{
    public static IdentityTransform Instance { get; } = new();

    public PreparedUpload Prepare(SpoolSegment segment, string key) =>
        new(key, UploadSource.FromFile(segment.Path, ObjectChecksum.Of(ChecksumAlgorithms.Md5, segment.Md5)),
            async (algorithm, ct) => Checksums.IsSupported(algorithm) ? await segment.ChecksumAsync(algorithm, ct).ConfigureAwait(false) : null);
}

/// <summary>Publishes nothing.</summary>
public sealed class NoPublisher : ISegmentPublisher
{
    public static NoPublisher Instance { get; } = new();

    public Task PublishAsync(SpoolSegment segment, StoredObject stored, CancellationToken cancellationToken) => Task.CompletedTask;
}
