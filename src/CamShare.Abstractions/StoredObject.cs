namespace CamShare.Abstractions;

/// <summary>What a storage holds at a key.</summary>
/// <param name="Key">The object's key, as given to the provider.</param>
/// <param name="Size">Size in bytes as the backend reports it.</param>
/// <param name="LastModified">Modification time as the backend reports it, when it does.</param>
/// <param name="Checksums">Checksums the backend computed (may be empty).</param>
public sealed record StoredObject(
    string Key,
    long Size,
    DateTimeOffset? LastModified,
    IReadOnlyList<ObjectChecksum> Checksums)
{
    /// <summary>An object with no checksum information.</summary>
    public StoredObject(string key, long size, DateTimeOffset? lastModified)
        : this(key, size, lastModified, []) { }

    /// <summary>The checksum of the given algorithm, if the backend reported one.</summary>
    public ObjectChecksum? FindChecksum(string algorithm) =>
        Checksums.FirstOrDefault(c => string.Equals(c.Algorithm, algorithm, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A checksum of a whole object's bytes.</summary>
/// <param name="Algorithm">One of <see cref="ChecksumAlgorithms"/>.</param>
/// <param name="Hex">Lower-case hexadecimal digest.</param>
public sealed record ObjectChecksum(string Algorithm, string Hex)
{
    /// <summary>Creates a checksum, normalising the digest to lower case.</summary>
    public static ObjectChecksum Of(string algorithm, string hex) => new(algorithm, hex.ToLowerInvariant());
}

/// <summary>Names of the checksum algorithms the host knows how to compute locally for verification.</summary>
public static class ChecksumAlgorithms
{
    /// <summary>MD5 (S3 single-part ETag, Google Drive md5Checksum, Nextcloud).</summary>
    public const string Md5 = "md5";
    /// <summary>SHA-1 (Nextcloud, some rclone remotes).</summary>
    public const string Sha1 = "sha1";
    /// <summary>SHA-256.</summary>
    public const string Sha256 = "sha256";
}
