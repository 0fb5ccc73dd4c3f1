namespace CamShare.Core.Pipeline;

/// <summary>
/// One destination's shared state: open, backing off, or paused. Every worker waits on the same gate, so when
/// the destination recovers (one attempt succeeds) every waiting segment goes at once instead of each on a timer
/// of its own.
/// </summary>
public sealed class DestinationGate(TimeProvider time)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _closedUntil = DateTimeOffset.MinValue;
    private TaskCompletionSource _opened = NewSignal();

    /// <summary>Consecutive failed attempts since the last success.</summary>
    public int ConsecutiveFailures { get { lock (_lock) return _failures; } }
    private int _failures;

    /// <summary>Until when no attempt is made (past when open).</summary>
    public DateTimeOffset ClosedUntil { get { lock (_lock) return _closedUntil; } }

    /// <summary>Why the gate is closed, for status lines ("backing off", "paused: authentication failed").</summary>
    public string? ClosedBecause { get; private set; }

    /// <summary>Counts a failure and closes the gate for <paramref name="delay"/> (never shortens a longer close).</summary>
    public int Fail(TimeSpan delay, string because)
    {
        lock (_lock)
        {
            _failures++;
            var until = time.GetUtcNow() + delay;
            if (until > _closedUntil)
            {
                _closedUntil = until;
                ClosedBecause = because;
            }
            return _failures;
        }
    }

    /// <summary>An attempt succeeded: open at once and wake every waiter.</summary>
    public void Succeed()
    {
        TaskCompletionSource opened;
        lock (_lock)
        {
            _failures = 0;
            _closedUntil = DateTimeOffset.MinValue;
            ClosedBecause = null;
            opened = _opened;
            _opened = NewSignal();
        }
        opened.TrySetResult();
    }

    /// <summary>Waits until the gate is open. Returns false when <paramref name="giveUp"/> fires first (shutdown).</summary>
    public async Task<bool> WaitOpenAsync(CancellationToken giveUp)
    {
        while (true)
        {
            TimeSpan wait;
            Task opened;
            lock (_lock)
            {
                wait = _closedUntil - time.GetUtcNow();
                opened = _opened.Task;
            }
            if (wait <= TimeSpan.Zero) return true;
            if (giveUp.IsCancellationRequested) return false;
            try
            {
                await Task.WhenAny(opened, Task.Delay(wait, time, giveUp)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            if (giveUp.IsCancellationRequested) return false;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
