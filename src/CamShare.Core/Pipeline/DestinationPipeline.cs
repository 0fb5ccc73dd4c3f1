using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using CamShare.Abstractions;
using CamShare.Core.Spool;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Pipeline;

/// <summary>
/// One destination: takes the segments the spool publishes and sends each through
/// transform → put → verify → commit → publish, with bounded concurrency. What happens after a failure follows
/// the contract's error classification (<see cref="FailurePolicy"/>); every provider call has a time limit, and a
/// call that ignores cancellation is abandoned, so no plugin can hold the destination or the host's stop.
/// </summary>
public sealed class DestinationPipeline : ISegmentSubscriber
{
    private readonly IStorageProvider _provider;
    private readonly SegmentSpool _spool;
    private readonly Func<SpoolSegment, string> _keyOf;
    private readonly PipelineOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ISegmentTransform _transform;
    private readonly ISegmentPublisher _publisher;
    private readonly TemporarySweeper _sweeper;
    private readonly DestinationGate _gate;
    private readonly Channel<SpoolSegment> _channel = Channel.CreateUnbounded<SpoolSegment>();
    private readonly ConcurrentDictionary<SpoolSegment, byte> _inFlight = new();
    private readonly CancellationTokenSource _completing = new();
    private readonly Lock _lock = new();
    private DateTimeOffset _lastPauseLog = DateTimeOffset.MinValue;
    private DateTimeOffset? _failingSince;
    private DateTimeOffset? _lastSuccess;
    private string? _lastError;
    private int _attempts;
    private int _pluginFaults;
    private int _abandoned;
    private bool _pluginFaultLogged;

    /// <param name="origin">Where the provider came from ("built in" or the plugin's path), named in plugin-fault logs.</param>
    public DestinationPipeline(string name, IStorageProvider provider, SegmentSpool spool, Func<SpoolSegment, string> keyOf,
        PipelineOptions options, ILogger logger, TimeProvider time, ISegmentTransform? transform = null,
        ISegmentPublisher? publisher = null, string origin = "built in")
    {
        Name = name;
        _provider = provider;
        _spool = spool;
        _keyOf = keyOf;
        _options = options;
        _logger = logger;
        _time = time;
        _transform = transform ?? IdentityTransform.Instance;
        _publisher = publisher ?? NoPublisher.Instance;
        Origin = origin;
        _gate = new DestinationGate(time);
        _sweeper = new TemporarySweeper(provider, options, logger, time, name);
    }

    public string Name { get; }

    /// <summary>The provider's origin ("built in" or a plugin path).</summary>
    public string Origin { get; }

    /// <summary>Upload attempts so far (tests use it to prove there is no retry loop).</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Since when uploads to this destination keep failing (null when the last attempt succeeded).</summary>
    public DateTimeOffset? FailingSince { get { lock (_lock) return _failingSince; } }

    /// <summary>When the last upload was verified.</summary>
    public DateTimeOffset? LastSuccess { get { lock (_lock) return _lastSuccess; } }

    /// <summary>The last error, redacted (null after a success).</summary>
    public string? LastError { get { lock (_lock) return _lastError; } }

    /// <summary>Segments waiting for or in an upload to this destination.</summary>
    public int QueueDepth => _channel.Reader.Count + _inFlight.Count;

    /// <summary>Puts abandoned because the provider ignored cancellation past its time limit.</summary>
    public int Abandoned => Volatile.Read(ref _abandoned);

    /// <summary>The segments being uploaded right now (for shutdown reports).</summary>
    public IReadOnlyCollection<SpoolSegment> InFlight => _inFlight.Keys.ToList();

    public void Enqueue(SpoolSegment segment) => _channel.Writer.TryWrite(segment);

    void ISegmentSubscriber.Offer(SpoolSegment segment) => Enqueue(segment);

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
                ? string.Create(CultureInfo.InvariantCulture, $"'{Name}' is failing since {since.ToLocalTime():yyyy-MM-dd HH:mm:ss} ({_lastError})")
                : $"'{Name}' has not taken it yet";
    }

    /// <summary>Runs the workers until the queue is completed and drained, or <paramref name="cancellationToken"/> fires.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.Concurrency)).Select(_ => Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None)));

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            SpoolSegment segment;
            try
            {
                if (!await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false)) return;
                if (!_channel.Reader.TryRead(out segment!)) continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await DeliverAsync(segment, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Never a silent stop: a destination that can no longer upload must say so at once.
                _logger.LogCritical(ex, "{Camera} → {Destination}: unexpected failure handling {File}; the segment waits in the spool and the destination keeps going",
                    segment.Camera, Name, segment.FileName);
                Fail(ex);
                _gate.Fail(_options.PluginFaultPause, "unexpected failure");
            }
        }
    }

    /// <summary>One attempt, or none when the gate stays closed until shutdown. A failed attempt puts the segment
    /// back in the queue behind the gate.</summary>
    private async Task DeliverAsync(SpoolSegment segment, CancellationToken cancellationToken)
    {
        if (segment.IsGone || segment.IsVerified(Name)) return;
        using (var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _completing.Token))
            if (!await _gate.WaitOpenAsync(giveUp.Token).ConfigureAwait(false)) return;
        if (segment.IsGone || segment.IsVerified(Name)) return;

        var key = _keyOf(segment);
        var watch = Stopwatch.StartNew();
        _inFlight.TryAdd(segment, 0);
        try
        {
            Interlocked.Increment(ref _attempts);
            var prepared = _transform.Prepare(segment, key);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, segment.Gone);
            var stored = await CallAsync(ct => _provider.PutAsync(prepared.Key, prepared.Source, null, ct),
                _options.PutTimeout(prepared.Source.Length), $"put of {prepared.Key}", attempt.Token).ConfigureAwait(false);
            var what = await VerifyAsync(prepared, stored, cancellationToken).ConfigureAwait(false);
            Succeed();
            _logger.LogInformation("{Camera} → {Destination}: uploaded {Key}, verified ({What}) in {Seconds:0.0} s",
                segment.Camera, Name, prepared.Key, what, watch.Elapsed.TotalSeconds);
            CamShareMetrics.SegmentUploaded(segment.Camera, Name, prepared.Source.Length, watch.Elapsed);
            if (_spool.MarkVerified(segment, Name, prepared.Key))
                try { await PublishAsync(segment, stored, cancellationToken).ConfigureAwait(false); }
                finally { _spool.FinishIfComplete(segment); } // after the publish: it may read the local file
            _sweeper.AfterPut(prepared.Key);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception) when (segment.IsGone)
        {
            // Dropped by the spool cap while it was being sent: the drop cancelled the upload (its log says so).
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            HandleFailure(segment, ex);
            CamShareMetrics.UploadFailed(segment.Camera, Name, FailureKind(ex));
            Enqueue(segment); // behind the gate; after Complete() it simply waits in the journal
        }
        finally
        {
            _inFlight.TryRemove(segment, out _);
        }
    }

    // The metric's "kind" label: the contract's error classes, and plugin faults.
    private static string FailureKind(Exception ex) => ex switch
    {
        StorageAuthenticationException => "authentication",
        StorageQuotaException => "quota",
        StorageConfigurationException => "configuration",
        StorageUnreachableException => "unreachable",
        OperationTimedOutException => "timeout",
        StorageException => "storage",
        _ => "plugin",
    };

    private async Task PublishAsync(SpoolSegment segment, StoredObject stored, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(async ct => { await _publisher.PublishAsync(segment, stored, ct).ConfigureAwait(false); return 0; },
                _options.OperationTimeout, $"publish of {stored.Key}", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("{Camera} → {Destination}: {File} is uploaded, but publishing it failed: {Error}",
                segment.Camera, Name, segment.FileName, Describe(ex));
        }
    }

    /// <summary>
    /// Runs a provider call with a time limit. When the limit passes the call is cancelled; if the provider then
    /// does not return within <see cref="PipelineOptions.AbandonGrace"/>, the call is abandoned (it may finish in
    /// the background: a put is idempotent) so that the worker and the host's stop never wait on it.
    /// </summary>
    private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, TimeSpan limit, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        var task = Task.Run(() => call(timeout.Token), CancellationToken.None);
        try
        {
            return await task.WaitAsync(limit + _options.AbandonGrace, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _abandoned);
            _ = task.ContinueWith(t => _ = t.Exception, TaskScheduler.Default); // observe its eventual failure
            throw new OperationTimedOutException(
                $"{what} did not finish within {limit.TotalSeconds:0} s and ignored cancellation for {_options.AbandonGrace.TotalSeconds:0} s more; abandoned");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw new OperationTimedOutException($"{what} did not finish within {limit.TotalSeconds:0} s");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !task.IsCompleted)
        {
            // Stopping or dropped: give the provider a moment to act on the cancellation (end its child process,
            // remove its temporary), but never wait for one that does not notice.
            try
            {
                await task.WaitAsync(_options.AbandonGrace, _time, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Its cancellation, failure or time-out: the caller is leaving either way.
            }
            if (!task.IsCompleted) _ = task.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            throw;
        }
    }

    private async Task<string> VerifyAsync(PreparedUpload prepared, StoredObject stored, CancellationToken cancellationToken)
    {
        if (stored.Size != prepared.Source.Length)
            throw new StorageIntegrityException($"'{prepared.Key}' holds {stored.Size} bytes, the local segment has {prepared.Source.Length}");
        var checkedAlgorithms = new List<string> { "size" };
        foreach (var remote in stored.Checksums)
        {
            var local = await prepared.ExpectedChecksum(remote.Algorithm, cancellationToken).ConfigureAwait(false);
            if (local is null) continue;
            if (!string.Equals(local.Hex, remote.Hex, StringComparison.OrdinalIgnoreCase))
                throw new StorageIntegrityException($"'{prepared.Key}' has {remote.Algorithm} {remote.Hex}, the local segment {local.Hex}");
            checkedAlgorithms.Add(remote.Algorithm.ToLowerInvariant());
        }
        return string.Join('+', checkedAlgorithms);
    }

    private void HandleFailure(SpoolSegment segment, Exception ex)
    {
        Fail(ex);
        var action = FailurePolicy.Classify(ex);
        switch (action)
        {
            case FailureAction.Backoff:
            {
                var failures = _gate.ConsecutiveFailures + 1;
                var delay = FailurePolicy.BackoffDelay(failures, _options.RetryBaseDelay, _options.RetryMaxDelay,
                    (ex as StorageException)?.RetryAfter, Random.Shared);
                _gate.Fail(delay, "backing off");
                _logger.LogWarning("{Camera} → {Destination}: upload of {File} failed ({Error}); retry {Attempt} in {Delay:0.0} s",
                    segment.Camera, Name, segment.FileName, Describe(ex), failures, delay.TotalSeconds);
                break;
            }
            case FailureAction.PauseForPerson:
            case FailureAction.PauseForQuota:
            {
                var quota = action == FailureAction.PauseForQuota;
                var delay = quota ? _options.QuotaRetryDelay : _options.AuthRetryDelay;
                var kind = quota ? "the storage is full" : ex is StorageAuthenticationException ? "authentication failed" : "storage is misconfigured";
                _gate.Fail(delay, "paused: " + kind);
                if (ShouldLogPause())
                    _logger.LogError("Destination '{Destination}': {Kind} ({Error}); segments are kept, next try in {Delay:0} s",
                        Name, kind, Describe(ex), delay.TotalSeconds);
                break;
            }
            default:
            {
                var faults = Interlocked.Increment(ref _pluginFaults);
                if (!_pluginFaultLogged)
                {
                    _pluginFaultLogged = true;
                    _logger.LogError(ex, "Destination '{Destination}': the storage plugin ({Origin}) failed with {Type}, which is not a storage error: a bug in the plugin; report it to its authors",
                        Name, Origin, ex.GetType().Name);
                }
                if (faults >= _options.PluginFaultRetries)
                {
                    Interlocked.Exchange(ref _pluginFaults, 0);
                    _gate.Fail(_options.PluginFaultPause, "paused: plugin fault");
                    _logger.LogError("Destination '{Destination}': {Count} plugin faults in a row ({Error}); pausing it for {Delay:0} s, segments are kept",
                        Name, faults, Describe(ex), _options.PluginFaultPause.TotalSeconds);
                }
                else
                {
                    var delay = FailurePolicy.BackoffDelay(faults, _options.RetryBaseDelay, _options.RetryMaxDelay, null, Random.Shared);
                    _gate.Fail(delay, "backing off after a plugin fault");
                }
                break;
            }
        }
    }

    private bool ShouldLogPause()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (now - _lastPauseLog < _options.AuthErrorLogInterval) return false;
            _lastPauseLog = now;
            return true;
        }
    }

    private void Fail(Exception ex)
    {
        lock (_lock)
        {
            _failingSince ??= _time.GetUtcNow();
            _lastError = Describe(ex);
        }
    }

    private void Succeed()
    {
        lock (_lock)
        {
            _failingSince = null;
            _lastError = null;
            _lastSuccess = _time.GetUtcNow();
        }
        Interlocked.Exchange(ref _pluginFaults, 0);
        _pluginFaultLogged = false;
        _gate.Succeed();
    }

    private static string Describe(Exception ex) =>
        SecretRedactor.PatternsOnly.Redact(ex is StorageException or OperationTimedOutException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}");
}
