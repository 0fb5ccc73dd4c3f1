using System.Collections.Concurrent;

namespace CamShare.Storage.GoogleDrive.Tests.Emulator;

/// <summary>The emulator's switches for what real Drive does to a client. Each is consumed as it fires.</summary>
public sealed class EmulatorFaults
{
    private readonly ConcurrentQueue<InjectedError> _errors = new();

    /// <summary>Drop the connection once, in the middle of an upload chunk, after this many bytes of a session arrived.</summary>
    public long? CutConnectionAtSessionByte { get; set; }

    /// <summary>Answer this many chunks with a 308 whose Range acknowledges 256 KiB less than was sent.</summary>
    public int ShortAcknowledgements { get; set; }

    /// <summary>Expire the next session that has received at least this many bytes (404 on its next request).</summary>
    public long? ExpireSessionAtByte { get; set; }

    /// <summary>The next <paramref name="count"/> API requests (not upload chunks) answer with this error.</summary>
    public void FailNext(int count, int status, string reason, int? retryAfterSeconds = null)
    {
        for (var i = 0; i < count; i++) _errors.Enqueue(new InjectedError(status, reason, retryAfterSeconds));
    }

    internal bool TryTakeError(out InjectedError error) => _errors.TryDequeue(out error!);

    internal sealed record InjectedError(int Status, string Reason, int? RetryAfterSeconds);
}
