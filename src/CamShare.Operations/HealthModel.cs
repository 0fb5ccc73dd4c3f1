using CamShare.Core;
using CamShare.Core.Configuration;

namespace CamShare.Operations;

public enum CameraState { Starting, Recording, Reconnecting, Failing }

/// <summary>A camera as the operator sees it.</summary>
/// <param name="LastSegmentAt">When the last segment was admitted, or null (none yet this run).</param>
/// <param name="RunsInLastHour">ffmpeg runs started in the last hour: 1 is healthy, more are restarts.</param>
public sealed record CameraHealth(string Name, CameraState State, bool Healthy, DateTimeOffset? LastSegmentAt, int RunsInLastHour, string Detail);

/// <summary>A destination as the operator sees it.</summary>
/// <param name="Pending">Segments waiting for it (queued or uploading).</param>
/// <param name="LagSeconds">Age of its oldest waiting segment (its start time to now); 0 when nothing waits.</param>
public sealed record DestinationHealth(string Name, bool Healthy, int Pending, long PendingBytes, double LagSeconds,
    DateTimeOffset? LastSuccess, string? LastError, DateTimeOffset? FailingSince, string Detail);

/// <summary>The whole service at one moment.</summary>
public sealed record HealthSnapshot(DateTimeOffset At, bool Healthy, IReadOnlyList<CameraHealth> Cameras, IReadOnlyList<DestinationHealth> Destinations);

/// <summary>
/// Healthy means: every camera produced a segment within twice its segment length plus a grace (a fresh start
/// gets the same allowance), and every destination's oldest waiting segment is younger than the configured bound.
/// </summary>
public static class HealthModel
{
    public static HealthSnapshot Evaluate(CamShareEngine engine, DateTimeOffset now, DateTimeOffset startedAt)
    {
        var status = engine.Settings.Status;
        var cameras = engine.Recorders.Select(recorder =>
        {
            var settings = engine.Settings.Cameras.First(c => c.Name == recorder.Camera);
            var allowance = TimeSpan.FromSeconds(2 * settings.SegmentSeconds + status.CameraGraceSeconds);
            var last = recorder.LastSegmentAt;
            var since = now - (last ?? startedAt);
            var healthy = since <= allowance;
            var state = healthy
                ? last is null ? CameraState.Starting : CameraState.Recording
                : recorder.IsRecording ? CameraState.Reconnecting : CameraState.Failing;
            var detail = healthy
                ? last is null ? "waiting for the first segment" : $"last segment {Seconds(now - last.Value)} ago"
                : $"no segment for {Seconds(since)} (allowed {Seconds(allowance)}); {(recorder.IsRecording ? "ffmpeg runs but records nothing" : "ffmpeg is not running, restarting")}";
            return new CameraHealth(recorder.Camera, state, healthy, last, recorder.RunsInLastHour, detail);
        }).ToList();

        var pending = engine.Spool?.Pending ?? [];
        var lengths = engine.Settings.Cameras.ToDictionary(c => c.Name, c => c.SegmentSeconds);
        var maxLag = TimeSpan.FromMinutes(status.MaxUploadLagMinutes);
        var destinations = engine.Destinations.Values.Select(pipeline =>
        {
            var waiting = pending.Where(s => !s.IsGone && s.Destinations.Contains(pipeline.Name) && !s.IsVerified(pipeline.Name)).ToList();
            // The segment's end (its start plus its length) is when it could first have been uploaded.
            var lag = waiting.Count == 0 ? TimeSpan.Zero : now - waiting.Min(s => s.Start.AddSeconds(lengths.GetValueOrDefault(s.Camera)));
            if (lag < TimeSpan.Zero) lag = TimeSpan.Zero;
            var healthy = lag <= maxLag;
            var detail = waiting.Count == 0 ? "up to date"
                : $"{waiting.Count} waiting, oldest {Seconds(lag)}{(healthy ? "" : $" (over the {status.MaxUploadLagMinutes} min bound)")}" +
                  (pipeline.LastError is { } error && pipeline.FailingSince is not null ? $"; failing: {error}" : "");
            return new DestinationHealth(pipeline.Name, healthy, waiting.Count, waiting.Sum(s => s.Size), Math.Round(lag.TotalSeconds, 1),
                pipeline.LastSuccess, pipeline.LastError, pipeline.FailingSince, detail);
        }).ToList();

        return new HealthSnapshot(now, cameras.All(c => c.Healthy) && destinations.All(d => d.Healthy), cameras, destinations);
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds < 120 ? $"{span.TotalSeconds:0} s" : $"{span.TotalMinutes:0} min";
}
