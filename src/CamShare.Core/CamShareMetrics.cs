using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CamShare.Core;

/// <summary>
/// The counters and histograms of the service, on the standard .NET metrics API (the "CamShare" meter), so any
/// exporter can publish them; `camshare run` serves them in Prometheus format at /metrics.
/// </summary>
public static class CamShareMetrics
{
    public const string MeterName = "CamShare";
    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Recorded = Meter.CreateCounter<long>("segments.recorded.total", "{segment}", "Segments ffmpeg finished and the spool admitted.");
    private static readonly Counter<long> Quarantined = Meter.CreateCounter<long>("segments.quarantined.total", "{segment}", "Segments that failed the MP4 check.");
    private static readonly Counter<long> Uploaded = Meter.CreateCounter<long>("segments.uploaded.total", "{segment}", "Segments a destination stored and verified.");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("uploads.failed.total", "{attempt}", "Upload attempts that failed (retried later).");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("segments.dropped.total", "{segment}", "Segments removed from the spool before every destination had them.");
    private static readonly Counter<long> UploadedBytes = Meter.CreateCounter<long>("upload.bytes.total", "By", "Bytes stored and verified.");
    private static readonly Histogram<double> UploadSeconds = Meter.CreateHistogram<double>("upload.duration.seconds", "s", "Time from the start of a put to its verification.");
    private static readonly Counter<long> Restarts = Meter.CreateCounter<long>("ffmpeg.starts.total", "{run}", "ffmpeg runs started per camera (the first and every restart).");

    public static void SegmentRecorded(string camera) => Recorded.Add(1, new KeyValuePair<string, object?>("camera", camera));

    public static void SegmentQuarantined(string camera) => Quarantined.Add(1, new KeyValuePair<string, object?>("camera", camera));

    public static void SegmentDropped(string camera) => Dropped.Add(1, new KeyValuePair<string, object?>("camera", camera));

    public static void FfmpegStarted(string camera) => Restarts.Add(1, new KeyValuePair<string, object?>("camera", camera));

    public static void SegmentUploaded(string camera, string destination, long bytes, TimeSpan took)
    {
        var tags = new TagList { { "camera", camera }, { "destination", destination } };
        Uploaded.Add(1, tags);
        UploadedBytes.Add(bytes, tags);
        UploadSeconds.Record(took.TotalSeconds, tags);
    }

    public static void UploadFailed(string camera, string destination, string kind) =>
        Failed.Add(1, new TagList { { "camera", camera }, { "destination", destination }, { "kind", kind } });
}
