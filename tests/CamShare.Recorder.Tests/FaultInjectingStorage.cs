using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CamShare.Abstractions;
using CamShare.Core.Storage;

namespace CamShare.Recorder.Tests;

/// <summary>
/// Wraps a real provider and injects faults into PutAsync: throw before the upload, throw after the upload
/// succeeded, or fail authentication. Counts calls and records what every successful inner put stored.
/// </summary>
public sealed class FaultInjectingStorage(IStorageProvider inner) : IStorageProvider
{
    private readonly Lock _lock = new();
    private int _failBefore;
    private int _failAfter;
    private int _puts;
    private int _lies;

    /// <summary>The next N puts throw a transient error without touching the inner provider.</summary>
    public int FailBeforeUpload { get => _failBefore; set => _failBefore = value; }

    /// <summary>The next N puts upload for real, then throw a transient error (the caller cannot know it worked).</summary>
    public int FailAfterUpload { get => _failAfter; set => _failAfter = value; }

    /// <summary>While set, every put fails with an authentication error.</summary>
    public volatile bool AuthenticationBroken;

    /// <summary>While set, every put fails as if the server were down.</summary>
    public volatile bool Unreachable;

    /// <summary>The next N puts report a size off by one (as if the backend stored something else).</summary>
    public int LieAboutSize { get => _lies; set => _lies = value; }

    /// <summary>Report the MD5 of what the inner provider stored (read back), as S3 or Drive would.</summary>
    public bool ReportMd5 { get; set; } = true;

    /// <summary>Called after a successful inner put, before returning (e.g. to simulate the host dying there).</summary>
    public Action<string>? AfterInnerPut { get; set; }

    /// <summary>While set, every put fails because the backend is full.</summary>
    public volatile bool Full;

    /// <summary>While set, every put throws a NullReferenceException: a plugin with a bug.</summary>
    public volatile bool Buggy;

    /// <summary>While set, puts hang and ignore cancellation (a plugin stuck in a blocking call).</summary>
    public volatile bool Hangs;

    /// <summary>While set, puts fail with a throttling error that asks for this wait.</summary>
    public TimeSpan? ThrottleFor { get; set; }

    /// <summary>Times at which each put started (UTC).</summary>
    public ConcurrentQueue<DateTimeOffset> PutTimes { get; } = new();

    /// <summary>While set, puts wait (cancellably) before uploading: a slow link.</summary>
    public TimeSpan Delay { get; set; }

    public int PutCalls => Volatile.Read(ref _puts);

    /// <summary>Key → MD5 of the bytes of every successful inner put, in order.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<string>> Stored { get; } = new();

    public async Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _puts);
        PutTimes.Enqueue(DateTimeOffset.UtcNow);
        if (Buggy) throw new NullReferenceException("injected: object reference not set");
        if (Full) throw new StorageQuotaException("injected: quota exceeded");
        if (ThrottleFor is { } wait) throw new StorageTransientException("injected: slow down", retryAfter: wait);
        if (Hangs) { Thread.Sleep(TimeSpan.FromSeconds(8)); throw new StorageTransientException("injected: woke up from a hang"); }
        if (AuthenticationBroken) throw new StorageAuthenticationException("injected: access denied for user 'tester'");
        if (Unreachable) throw new StorageUnreachableException("injected: connection refused");
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, cancellationToken);
        if (Take(ref _failBefore)) throw new StorageTransientException("injected: failure before upload");
        var stored = await inner.PutAsync(key, source, progress, cancellationToken);
        await using (var s = await source.OpenAsync(cancellationToken))
            Stored.GetOrAdd(key, _ => new()).Enqueue((await Checksums.ComputeAsync(s, ChecksumAlgorithms.Md5, cancellationToken)).Hex);
        AfterInnerPut?.Invoke(key);
        if (Take(ref _failAfter)) throw new StorageTransientException("injected: failure after upload");
        if (ReportMd5)
        {
            await using var back = await inner.OpenReadAsync(key, cancellationToken);
            stored = stored with { Checksums = [await Checksums.ComputeAsync(back, ChecksumAlgorithms.Md5, cancellationToken)] };
        }
        return Take(ref _lies) ? stored with { Size = stored.Size + 1 } : stored;
    }

    private bool Take(ref int counter)
    {
        lock (_lock)
        {
            if (counter <= 0) return false;
            counter--;
            return true;
        }
    }

    public Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken) => inner.StatAsync(key, cancellationToken);
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var o in inner.ListAsync(prefix, cancellationToken)) yield return o;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
}
