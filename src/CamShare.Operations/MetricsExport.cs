using Prometheus;

namespace CamShare.Operations;

/// <summary>
/// Gauges of the health model for Prometheus, refreshed at each scrape. The counters and histograms come from the
/// "CamShare" meter (CamShareMetrics), which prometheus-net's meter adapter publishes as camshare_* series.
/// </summary>
public sealed class MetricsExport
{
    private readonly HealthMonitor _monitor;
    private readonly Gauge _healthy;
    private readonly Gauge _cameraUp;
    private readonly Gauge _lastSegmentAge;
    private readonly Gauge _runsInLastHour;
    private readonly Gauge _queueDepth;
    private readonly Gauge _queueBytes;
    private readonly Gauge _lag;

    public MetricsExport(HealthMonitor monitor, CollectorRegistry registry)
    {
        _monitor = monitor;
        var metrics = Metrics.WithCustomRegistry(registry);
        _healthy = metrics.CreateGauge("camshare_healthy", "1 when every camera records and every destination keeps up, else 0.");
        _cameraUp = metrics.CreateGauge("camshare_camera_up", "1 when the camera produced a segment in time.", "camera");
        _lastSegmentAge = metrics.CreateGauge("camshare_camera_last_segment_age_seconds", "Seconds since the camera's last segment (-1: none yet).", "camera");
        _runsInLastHour = metrics.CreateGauge("camshare_camera_ffmpeg_runs_last_hour", "ffmpeg runs started in the last hour.", "camera");
        _queueDepth = metrics.CreateGauge("camshare_destination_pending_segments", "Segments waiting for the destination.", "destination");
        _queueBytes = metrics.CreateGauge("camshare_destination_pending_bytes", "Bytes waiting for the destination.", "destination");
        _lag = metrics.CreateGauge("camshare_destination_lag_seconds", "Age of the oldest segment waiting for the destination.", "destination");
        registry.AddBeforeCollectCallback(Refresh);
    }

    private void Refresh()
    {
        var snapshot = _monitor.Current();
        if (snapshot is null) return;
        _healthy.Set(snapshot.Healthy ? 1 : 0);
        foreach (var camera in snapshot.Cameras)
        {
            _cameraUp.WithLabels(camera.Name).Set(camera.Healthy ? 1 : 0);
            _lastSegmentAge.WithLabels(camera.Name).Set(camera.LastSegmentAt is { } at ? (snapshot.At - at).TotalSeconds : -1);
            _runsInLastHour.WithLabels(camera.Name).Set(camera.RunsInLastHour);
        }
        foreach (var destination in snapshot.Destinations)
        {
            _queueDepth.WithLabels(destination.Name).Set(destination.Pending);
            _queueBytes.WithLabels(destination.Name).Set(destination.PendingBytes);
            _lag.WithLabels(destination.Name).Set(destination.LagSeconds);
        }
    }
}
