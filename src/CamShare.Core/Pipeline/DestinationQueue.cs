using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using CamShare.Abstractions;
using CamShare.Core.Spool;
using CamShare.Core.Storage;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Pipeline;

/// <summary>
/// One destination's queue: uploads segments with bounded concurrency, verifies each (size, and every checksum the
/// provider reports that the host can compute), retries transient errors with capped exponential backoff and full
/// jitter, and pauses the whole destination on authentication/configuration errors instead of looping.
/// </summary>
public sealed class DestinationQueue
{
    private readonly IStorageProvider _provider;
    private readonly SegmentSpool _spool;
    private readonly Func<SpoolSegment, string> _keyOf;
    private readonly PipelineOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<SpoolSegment> _channel = Channel.CreateUnbounded<SpoolSegment>();
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _completing = new();
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _lastAuthLog = DateTimeOffset.MinValue;
    private DateTimeOffset? _failingSince;
    private string? _lastError;
    private int _attempts;

    public DestinationQueue(string name, IStorageProvider provider, SegmentSpool spool, Func<SpoolSegment, string> keyOf,
        PipelineOptions options, ILogger logger, TimeProvider time)
    {
        Name = name;
        _provider = provider;
        _spool = spool;
        _keyOf = keyOf;
        _options = options;
        _logger = logger;
        _time = time;
    }

    public string Name { get; }

    /// <summary>Upload attempts so far (tests use it to prove there is no retry loop).</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Since when uploads to this destination keep failing (null when the last attempt succeeded).</summary>
    public DateTimeOffset? FailingSince { get { lock (_lock) return _failingSince; } }

    public void Enqueue(SpoolSegment segment) => _channel.Writer.TryWrite(segment);

    /// <summary>No more segments will come; <see cref="RunAsync"/> returns once the queue is drained. Segments
    /// waiting for a retry or a pause are not waited for: they stay in the journal for the next start.</summary>
    public void Complete()
    {
        _channel.Writer.TryComplete();
        _completing.Cancel();
    }

    public string Describe()
    {
        lock (_lock)
            return _failingSince is { } since
                ? string.Create(CultureInfo.InvariantCulture, $"'{Name}' is unreachable since {since.ToLocalTime():yyyy-MM-dd HH:mm:ss} ({_lastError})")
                : $"'{Name}' has not taken it yet";
    }

    /// <summary>Runs the workers until the queue is completed and drained, or <paramref name="cancellationToken"/> fires.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.Concurrency)).Select(_ => Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None)));

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var segment in _channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                await DeliverAsync(segment, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(SpoolSegment segment, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!segment.IsGone && !segment.IsVerified(Name))
        {
            if (!await WaitWhilePausedAsync(cancellationToken).ConfigureAwait(false)) return;
            if (segment.IsGone) return;
            var key = _keyOf(segment);
            var watch = Stopwatch.StartNew();
            try
            {
                Interlocked.Increment(ref _attempts);
                var stored = await _provider.PutAsync(key, UploadSource.FromFile(segment.Path), null, cancellationToken).ConfigureAwait(false);
                var what = await VerifyAsync(segment, key, stored, cancellationToken).ConfigureAwait(false);
                lock (_lock) { _failingSince = null; _lastError = null; }
                _logger.LogInformation("{Camera} → {Destination}: uploaded {Key}, verified ({What}) in {Seconds:0.0} s",
                    segment.Camera, Name, key, what, watch.Elapsed.TotalSeconds);
                _spool.MarkVerified(segment, Name, key);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception) when (segment.IsGone)
            {
                return; // dropped (spool cap) while it was being sent
            }
            catch (StorageException ex) when (ex is StorageAuthenticationException or StorageConfigurationException or StorageNotFoundException)
            {
                NoteFailure(ex);
                PauseAfterFatal(ex);
            }
            catch (Exception ex) when (ex is not ObjectDisposedException)
            {
                NoteFailure(ex);
                failures++;
                var delay = RetryDelay(failures, (ex as StorageTransientException)?.RetryAfter);
                _logger.LogWarning("{Camera} → {Destination}: upload of {File} failed ({Error}); retry {Attempt} in {Delay:0.0} s",
                    segment.Camera, Name, segment.FileName, Describe(ex), failures, delay.TotalSeconds);
                if (!await DelayUnlessCompletingAsync(delay, cancellationToken).ConfigureAwait(false)) return;
            }
        }
    }

    private async Task<string> VerifyAsync(SpoolSegment segment, string key, StoredObject stored, CancellationToken cancellationToken)
    {
        if (stored.Size != segment.Size)
            throw new StorageIntegrityException($"'{key}' holds {stored.Size} bytes, the local segment has {segment.Size}");
        var checkedAlgorithms = new List<string> { "size" };
        foreach (var remote in stored.Checksums)
        {
            if (!Checksums.IsSupported(remote.Algorithm)) continue;
            var local = await segment.ChecksumAsync(remote.Algorithm, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(local.Hex, remote.Hex, StringComparison.OrdinalIgnoreCase))
                throw new StorageIntegrityException($"'{key}' has {remote.Algorithm} {remote.Hex}, the local segment {local.Hex}");
            checkedAlgorithms.Add(remote.Algorithm.ToLowerInvariant());
        }
        return string.Join('+', checkedAlgorithms);
    }

    private TimeSpan RetryDelay(int failures, TimeSpan? retryAfter)
    {
        var ceiling = Math.Min(_options.RetryMaxDelay.TotalMilliseconds,
            _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        var jittered = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
        return retryAfter is { } after && after > jittered ? after : jittered;
    }

    private void NoteFailure(Exception ex)
    {
        lock (_lock)
        {
            _failingSince ??= _time.GetUtcNow();
            _lastError = Describe(ex);
        }
    }

    private void PauseAfterFatal(StorageException ex)
    {
        var now = _time.GetUtcNow();
        bool log;
        lock (_lock)
        {
            _pausedUntil = now + _options.AuthRetryDelay;
            log = now - _lastAuthLog >= _options.AuthErrorLogInterval;
            if (log) _lastAuthLog = now;
        }
        if (log)
            _logger.LogError("Destination '{Destination}': {Kind} ({Error}); segments are kept, next try in {Delay:0} s",
                Name, ex is StorageAuthenticationException ? "authentication failed" : "storage is misconfigured",
                Describe(ex), _options.AuthRetryDelay.TotalSeconds);
    }

    /// <returns>False when the queue is being completed (shutdown): the segment waits in the journal instead.</returns>
    private async Task<bool> WaitWhilePausedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_lock) wait = _pausedUntil - _time.GetUtcNow();
            if (wait <= TimeSpan.Zero) return true;
            if (!await DelayUnlessCompletingAsync(wait, cancellationToken).ConfigureAwait(false)) return false;
        }
    }

    private async Task<bool> DelayUnlessCompletingAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _completing.Token);
        try
        {
            await Task.Delay(delay, _time, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static string Describe(Exception ex) => ex is StorageException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
}
