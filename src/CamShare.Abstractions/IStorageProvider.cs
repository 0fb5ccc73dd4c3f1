namespace CamShare.Abstractions;

/// <summary>
/// A place where CamShare stores objects (finished video segments) under keys.
/// One instance exists per configured storage; it must be safe to call from several threads at once.
/// </summary>
/// <remarks>
/// Keys are relative, '/'-separated paths such as <c>porch/20240323/10/20240323T102000-0500.mp4</c>. They never
/// start or end with '/', never contain empty, "." or ".." segments, and may contain spaces, '+', and any Unicode
/// letter; a provider maps them onto its backend faithfully (encoding them where the backend needs it).
/// Every method honours its <see cref="CancellationToken"/> and throws <see cref="OperationCanceledException"/>
/// when it is cancelled. Failures are reported with the <see cref="StorageException"/> family, never with
/// <c>null</c> results, and their messages never contain a secret.
/// </remarks>
public interface IStorageProvider
{
    /// <summary>
    /// Stores <paramref name="source"/> at <paramref name="key"/>, replacing any object already there.
    /// </summary>
    /// <remarks>
    /// Atomic visibility: a reader of <paramref name="key"/> sees either the previous object (or nothing) or the
    /// complete new object, never a partial one — a temporary name plus rename where the backend has no atomic
    /// put. The temporary name is always <see cref="StorageKeys.TemporaryKeyFor"/>'s, never one of the provider's
    /// own: the host recognises temporaries by it, hides them from listings, and sweeps stale ones a crash left.
    /// A failed or cancelled put leaves no object at <paramref name="key"/> that was not there before, and
    /// deletes its temporary object when the backend allows it.
    /// When <see cref="UploadSource.KnownChecksums"/> holds a checksum the backend wants up front, use it rather
    /// than reading the content twice.
    /// The content is streamed; a provider never holds a whole object in memory.
    /// Missing parent "folders" are created as needed.
    /// </remarks>
    /// <returns>What was stored: at least the key and the size in bytes, plus the checksums the backend computed
    /// itself (not ones merely echoed from the client) so that the caller can verify the upload.</returns>
    /// <exception cref="StorageAuthenticationException">Credentials are wrong or lack permission.</exception>
    /// <exception cref="StorageQuotaException">The backend is full.</exception>
    /// <exception cref="StorageTransientException">A retry may succeed (network, 5xx, throttling).</exception>
    Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken);

    /// <summary>Describes the object at <paramref name="key"/>.</summary>
    /// <exception cref="StorageNotFoundException">No object exists at the key.</exception>
    Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken);

    /// <summary>Opens the object at <paramref name="key"/> for reading (streamed).</summary>
    /// <exception cref="StorageNotFoundException">No object exists at the key.</exception>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Lists every object whose key starts with <paramref name="prefix"/> (a plain string prefix; "" lists all),
    /// recursively, with size and modification time. Order is unspecified. Temporary objects
    /// (<see cref="StorageKeys.IsTemporary"/>) are listed like any other object: the host filters them for its
    /// consumers and uses them to sweep stale ones. A prefix under which nothing exists yields an empty sequence,
    /// not an error. Results are streamed page by page; a provider never loads a whole large listing at once.
    /// </summary>
    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes the object at <paramref name="key"/>. Deleting a missing object succeeds (idempotent).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
