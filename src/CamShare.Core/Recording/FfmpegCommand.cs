using System.Globalization;
using CamShare.Core.Configuration;

namespace CamShare.Core.Recording;

/// <summary>The ffmpeg command line of one recording run, as an argument list (never a joined string).</summary>
public static class FfmpegCommand
{
    /// <summary>Fragmented MP4 flushed per fragment: a segment cut off by a crash or power loss stays playable.</summary>
    public const string SegmentFormatOptions = "movflags=+frag_keyframe+empty_moov+default_base_moof:flush_packets=1";

    public static bool IsDemo(CameraSettings camera) => camera.Url.StartsWith("demo:", StringComparison.OrdinalIgnoreCase);

    /// <summary>The camera URL with the user name and password injected, percent-encoded (what ffmpeg needs).</summary>
    public static string UrlWithCredentials(CameraSettings camera)
    {
        if (IsDemo(camera) || string.IsNullOrEmpty(camera.Username)) return camera.Url;
        var user = Uri.EscapeDataString(camera.Username);
        var password = string.IsNullOrEmpty(camera.Password) ? "" : ":" + Uri.EscapeDataString(camera.Password);
        // Composed by hand: UriBuilder would re-escape the already escaped parts.
        var schemeEnd = camera.Url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) throw new ArgumentException($"camera '{camera.Name}': URL has no scheme");
        var rest = camera.Url[(schemeEnd + 3)..];
        var at = rest.IndexOf('@');
        var slash = rest.IndexOf('/');
        if (at >= 0 && (slash < 0 || at < slash)) rest = rest[(at + 1)..]; // replace credentials already in the URL
        return camera.Url[..(schemeEnd + 3)] + user + password + "@" + rest;
    }

    /// <summary>Arguments of one recording run.</summary>
    /// <param name="camera">The camera.</param>
    /// <param name="recFolder">Where ffmpeg writes segments.</param>
    /// <param name="listPath">This run's own segment list (ffmpeg truncates it when it starts).</param>
    /// <param name="streams">What a probe found in the camera's stream, or null when unknown.</param>
    /// <param name="runId">This run's id: ffmpeg's files are RUNID-000000.mp4, … (unique by construction; the
    /// recorder gives each complete one its final, time-based name).</param>
    public static IReadOnlyList<string> Record(CameraSettings camera, string recFolder, string listPath, StreamInfo? streams,
        string runId = "run")
    {
        // -progress on stdout, once a second: the stall watchdog's heartbeat (out_time_us stops when data does).
        var args = new List<string> { "-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+info",
                                      "-progress", "pipe:1", "-stats_period", "1" };
        if (IsDemo(camera))
        {
            args.AddRange(["-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=15",
                           "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000",
                           "-map", "0:v", "-map", "1:a",
                           "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                           "-g", "15", "-keyint_min", "15", "-sc_threshold", "0"]);
            if (camera.Audio == AudioMode.None) args.Add("-an");
            else args.AddRange(["-c:a", "aac", "-b:a", "48k"]);
        }
        else
        {
            var timeoutMicros = (long)Math.Max(1, camera.RtspTimeoutSeconds) * 1_000_000;
            args.AddRange(["-rtsp_transport", "tcp", "-timeout", timeoutMicros.ToString(CultureInfo.InvariantCulture),
                           "-i", UrlWithCredentials(camera), "-map", "0", "-c:v", "copy"]);
            if (camera.AppleCompatibleHevc && streams?.VideoCodec is "hevc" or "h265") args.AddRange(["-tag:v", "hvc1"]);
            args.AddRange(AudioArguments(camera.Audio, streams));
        }
        args.AddRange(["-f", "segment",
                       "-segment_time", camera.SegmentSeconds.ToString(CultureInfo.InvariantCulture),
                       "-segment_atclocktime", "1",
                       "-reset_timestamps", "1",
                       "-segment_list", listPath, "-segment_list_type", "csv",
                       "-segment_format", "mp4",
                       "-segment_format_options", SegmentFormatOptions,
                       Path.Combine(recFolder, SegmentNamer.OutputPattern(runId))]);
        return args;
    }

    internal static IEnumerable<string> AudioArguments(AudioMode mode, StreamInfo? streams) => mode switch
    {
        AudioMode.None => ["-an"],
        _ when streams is { AudioCodec: null, VideoCodec: not null } => ["-an"], // the probe found no audio at all
        AudioMode.Copy => ["-c:a", "copy"],
        AudioMode.Aac => ["-c:a", "aac", "-b:a", "48k"],
        _ when streams is { AudioCodec: "aac" or "opus" or "mp3" } => ["-c:a", "copy"],
        _ => ["-c:a", "aac", "-b:a", "48k"], // G.711 and anything else MP4 cannot hold; also when the probe failed
    };
}

/// <summary>Codecs of a camera's first video and audio stream (null when absent).</summary>
public sealed record StreamInfo(string? VideoCodec, string? AudioCodec);
