using Google.Apis.Http;

namespace CamShare.Storage.GoogleDrive;

/// <summary>
/// GoogleApiException carries no response headers, so this handler notes a refused response's Retry-After for the
/// operation in flight (an async-local slot the provider opens per operation) before the error is classified.
/// </summary>
internal sealed class RetryAfterRecorder : IHttpUnsuccessfulResponseHandler
{
    private static readonly AsyncLocal<Slot?> Current = new();

    /// <summary>Opens a slot for the operation that runs in the current async flow.</summary>
    public static Slot Begin() => Current.Value = new Slot();

    public Task<bool> HandleResponseAsync(HandleUnsuccessfulResponseArgs args)
    {
        var header = args.Response.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (delay is { } d && Current.Value is { } slot) slot.RetryAfter = d < TimeSpan.Zero ? TimeSpan.Zero : d;
        return Task.FromResult(false);
    }

    /// <summary>What one operation saw.</summary>
    internal sealed class Slot
    {
        public TimeSpan? RetryAfter { get; set; }
    }
}
