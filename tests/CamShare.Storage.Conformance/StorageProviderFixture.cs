using CamShare.Abstractions;
using Xunit;

namespace CamShare.Storage.Conformance;

/// <summary>
/// Starts (or finds) a real server and creates providers against it. One instance serves a whole test class.
/// A provider's test project derives from this and from <see cref="StorageProviderConformanceTests{TFixture}"/>.
/// </summary>
public abstract class StorageProviderFixture : IAsyncLifetime
{
    /// <summary>Starts the server. Called once before the first test.</summary>
    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>Stops what <see cref="InitializeAsync"/> started (by PID, only what it started).</summary>
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>A provider with valid settings against the running server.</summary>
    public abstract IStorageProvider CreateProvider();

    /// <summary>A provider whose credentials the server rejects; null when the backend has no credentials.</summary>
    public virtual IStorageProvider? CreateProviderWithBadCredentials() => null;

    /// <summary>A provider pointed at a server that does not answer (e.g. a closed 127.0.0.1 port); null when
    /// the backend has no server.</summary>
    public virtual IStorageProvider? CreateProviderForUnreachableServer() => null;

    /// <summary>Every secret the fixture's providers use (passwords, keys, tokens, including the wrong ones):
    /// no error message may contain one.</summary>
    public virtual IReadOnlyList<string> Secrets => [];

    /// <summary>The longest object name (one key segment, UTF-8 bytes) the backend stores; the contract asks for
    /// 200. A backend that makes names longer (rclone crypt) may declare less, honestly.</summary>
    public virtual int LongestNameBytes => 200;

    /// <summary>Null when listings show names starting with '.', as the contract's temporary names do; else why
    /// not (a server that hides them), which skips the test of raw temporary listings visibly.</summary>
    public virtual string? HidesDotNames => null;

    /// <summary>Size of the large streamed object (bounded-memory test).</summary>
    public virtual long LargeObjectSize => 64L << 20;

    /// <summary>The most memory a put may hold at once (e.g. concurrent multipart buffers).</summary>
    public virtual long MaxBufferedBytes => 24L << 20;

    /// <summary>Size of the object uploaded slowly while a reader looks at the key.</summary>
    public virtual long SlowUploadSize => 12L << 20;

    /// <summary>HTTP client used to fetch share links (fixtures with self-signed certificates pass their own).</summary>
    public virtual HttpClient CreateHttpClient() => new();
}
