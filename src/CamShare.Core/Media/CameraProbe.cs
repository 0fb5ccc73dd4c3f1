using CamShare.Abstractions;
using CamShare.Core.Configuration;
using CamShare.Core.Recording;

namespace CamShare.Core.Media;

/// <summary>`camshare check`'s camera probe: what the camera sends, or why it cannot be reached, for a person.</summary>
public static class CameraProbe
{
    public sealed record Result(bool Ok, string Detail);

    public static async Task<Result> ProbeAsync(string ffmpeg, string ffprobe, CameraSettings camera, CancellationToken cancellationToken)
    {
        try
        {
            var streams = await new MediaProbe(ffmpeg, ffprobe)
                .ProbeCameraAsync(camera, new SecretRedactor(camera.Password), cancellationToken).ConfigureAwait(false);
            if (streams.VideoCodec is null) return new Result(false, "the camera answered but sent no video stream");
            return new Result(true, $"video {streams.VideoCodec}, audio {streams.AudioCodec ?? "none"}" +
                                    (streams.AudioCodec is "pcm_alaw" or "pcm_mulaw" ? " (stored as AAC 48 kb/s)" : ""));
        }
        catch (TimeoutException)
        {
            return new Result(false, "no answer in time (camera frozen, or a firewall drops the packets)");
        }
        catch (InvalidOperationException ex)
        {
            return new Result(false, Classify(ex.Message));
        }
    }

    /// <summary>ffprobe's RTSP errors, as causes.</summary>
    public static string Classify(string error)
    {
        if (error.Contains("401", StringComparison.Ordinal) || error.Contains("Unauthorized", StringComparison.OrdinalIgnoreCase))
            return "401 unauthorized: wrong RTSP user name or password";
        if (error.Contains("404", StringComparison.Ordinal) || error.Contains("Not Found", StringComparison.OrdinalIgnoreCase))
            return "404 not found: the host answers but the stream path is wrong";
        if (error.Contains("Connection refused", StringComparison.OrdinalIgnoreCase))
            return "unreachable: connection refused (wrong port, or the camera's RTSP server is off)";
        if (error.Contains("timed out", StringComparison.OrdinalIgnoreCase))
            return "unreachable: timed out (wrong address, camera offline, or firewalled)";
        if (error.Contains("No route to host", StringComparison.OrdinalIgnoreCase) || error.Contains("Name or service not known", StringComparison.OrdinalIgnoreCase))
            return "unreachable: " + error;
        return error.Length == 0 ? "ffprobe failed without a message" : error;
    }
}
