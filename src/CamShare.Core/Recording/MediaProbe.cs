using CamShare.Abstractions;
using System.Globalization;
using System.Text.Json;
using CamShare.Core.Configuration;

namespace CamShare.Core.Recording;

/// <summary>What ffprobe says about a finished or cut-off segment file.</summary>
public sealed record SegmentCheck(bool Playable, string Reason, double DurationSeconds, bool HasVideo, bool HasAudio);

/// <summary>ffprobe/ffmpeg checks: a camera's codecs, and whether a leftover segment is worth uploading.</summary>
public sealed class MediaProbe(string ffmpegPath = "ffmpeg", string ffprobePath = "ffprobe")
{
    /// <summary>Below this a cut-off segment is not worth keeping (and a header-only file has none at all).</summary>
    public static readonly double MinimumSeconds = 1.0;

    public async Task<StreamInfo> ProbeCameraAsync(CameraSettings camera, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, camera.RtspTimeoutSeconds));
        var micros = ((long)timeout.TotalSeconds * 1_000_000).ToString(CultureInfo.InvariantCulture);
        var result = await ToolRunner.RunAsync(ffprobePath,
            ["-v", "error", "-rtsp_transport", "tcp", "-timeout", micros, "-show_entries", "stream=codec_type,codec_name",
             "-of", "json", FfmpegCommand.UrlWithCredentials(camera)],
            timeout * 3, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException("ffprobe failed: " + redactor.Redact(FirstLine(result.StdErr)));
        var streams = ParseStreams(result.StdOut);
        return new StreamInfo(
            streams.FirstOrDefault(s => s.Type == "video").Codec,
            streams.FirstOrDefault(s => s.Type == "audio").Codec);
    }

    /// <summary>
    /// Playable = the structure parses, a video stream exists, at least <see cref="MinimumSeconds"/> of media, and
    /// a full decode reports no error. A truncated file can decode cleanly, hence the duration and structure checks.
    /// </summary>
    public async Task<SegmentCheck> CheckSegmentAsync(string path, CancellationToken cancellationToken)
    {
        var probe = await ToolRunner.RunAsync(ffprobePath,
            ["-v", "error", "-show_entries", "format=duration:stream=codec_type,duration", "-of", "json", path],
            TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
        if (probe.ExitCode != 0)
            return new SegmentCheck(false, "ffprobe cannot read it: " + FirstLine(probe.StdErr), 0, false, false);
        var streams = ParseStreams(probe.StdOut);
        var hasVideo = streams.Any(s => s.Type == "video");
        var hasAudio = streams.Any(s => s.Type == "audio");
        var duration = ParseDuration(probe.StdOut);
        if (!hasVideo) return new SegmentCheck(false, "no video stream (header only)", duration, hasVideo, hasAudio);
        if (duration < MinimumSeconds)
            return new SegmentCheck(false, $"only {duration:0.0} s of media (header only or cut off at once)", duration, hasVideo, hasAudio);
        var decode = await ToolRunner.RunAsync(ffmpegPath,
            ["-nostdin", "-hide_banner", "-v", "error", "-i", path, "-map", "0", "-f", "null", "-"],
            TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
        var errors = decode.StdErr.Trim();
        if (decode.ExitCode != 0 || errors.Length > 0)
            return new SegmentCheck(false, "decode errors: " + FirstLine(errors.Length > 0 ? errors : $"exit code {decode.ExitCode}"), duration, hasVideo, hasAudio);
        return new SegmentCheck(true, "playable", duration, hasVideo, hasAudio);
    }

    private static List<(string? Type, string? Codec)> ParseStreams(string json)
    {
        var list = new List<(string?, string?)>();
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("streams", out var streams))
                foreach (var s in streams.EnumerateArray())
                    list.Add((s.TryGetProperty("codec_type", out var t) ? t.GetString() : null,
                              s.TryGetProperty("codec_name", out var c) ? c.GetString() : null));
        }
        catch (JsonException) { }
        return list;
    }

    private static double ParseDuration(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.TryGetProperty("format", out var format) && format.TryGetProperty("duration", out var d) &&
                double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                return seconds;
            var best = 0.0;
            if (root.TryGetProperty("streams", out var streams))
                foreach (var s in streams.EnumerateArray())
                    if (s.TryGetProperty("duration", out var sd) &&
                        double.TryParse(sd.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                        best = Math.Max(best, v);
            return best;
        }
        catch (JsonException) { return 0; }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return line.Length > 300 ? line[..300] : line;
    }
}
