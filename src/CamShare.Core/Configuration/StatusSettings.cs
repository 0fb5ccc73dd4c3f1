using System.ComponentModel;

namespace CamShare.Core.Configuration;

/// <summary>The local status endpoint (`camshare status`, /healthz, /metrics) and when the service counts as unhealthy.</summary>
public sealed class StatusSettings
{
    public const string DefaultListen = "127.0.0.1:8787";

    [Description("host:port of the local status endpoint (/status, /healthz, /metrics); \"off\" to disable. Keep it on 127.0.0.1 unless a trusted network must reach it.")]
    public string Listen { get; set; } = DefaultListen;

    [Description("A destination is unhealthy when its oldest waiting segment is older than this many minutes.")]
    public int MaxUploadLagMinutes { get; set; } = 30;

    [Description("Seconds added to twice the segment length before a camera without a new segment counts as down.")]
    public int CameraGraceSeconds { get; set; } = 30;

    public bool Enabled => !string.Equals(Listen, "off", StringComparison.OrdinalIgnoreCase);
}
