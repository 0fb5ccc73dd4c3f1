using System.Diagnostics;
using System.Text.Json;
using CamShare.Core.Configuration;

namespace CamShare.Core.Media;

/// <summary>Asks ffprobe what a camera sends, and turns its failures into a reason a person can act on.</summary>
public static class CameraProbe
{
    public sealed record Result(bool Ok, string Detail);

    public static async Task<Result> ProbeAsync(string ffprobe, CameraSettings camera, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var url = CameraUrl.WithCredentials(camera);
        var secrets = new[] { camera.Password };
        var info = new ProcessStartInfo(ffprobe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-v", "error", "-rtsp_transport", "tcp", "-timeout", ((long)timeout.TotalMicroseconds).ToString(),
                     "-show_entries", "stream=codec_type,codec_name,width,height,sample_rate", "-of", "json", url })
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout * 3);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return new Result(false, $"no answer within {timeout.TotalSeconds * 3:0} s (camera frozen or a firewall drops packets)");
        }
        var error = Redaction.Redact((await stderr.ConfigureAwait(false)).Trim(), secrets);
        if (process.ExitCode != 0) return new Result(false, Classify(error));
        using var json = JsonDocument.Parse(await stdout.ConfigureAwait(false));
        var streams = json.RootElement.TryGetProperty("streams", out var s) ? s.EnumerateArray().Select(Describe).ToList() : [];
        return streams.Count == 0
            ? new Result(false, "the camera answered but sent no stream")
            : new Result(true, string.Join(", ", streams));
    }

    private static string Describe(JsonElement stream)
    {
        var type = stream.GetProperty("codec_type").GetString();
        var codec = stream.TryGetProperty("codec_name", out var c) ? c.GetString() : "unknown";
        return type == "video" && stream.TryGetProperty("width", out var w)
            ? $"video {codec} {w.GetInt32()}x{stream.GetProperty("height").GetInt32()}"
            : type == "audio" && stream.TryGetProperty("sample_rate", out var r)
                ? $"audio {codec} {r.GetString()} Hz"
                : $"{type} {codec}";
    }

    /// <summary>ffprobe's RTSP errors, as causes.</summary>
    public static string Classify(string stderr)
    {
        var lastLine = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? "";
        if (stderr.Contains("401", StringComparison.Ordinal) || stderr.Contains("Unauthorized", StringComparison.OrdinalIgnoreCase))
            return "401 unauthorized: wrong RTSP user name or password";
        if (stderr.Contains("404", StringComparison.Ordinal) || stderr.Contains("Not Found", StringComparison.OrdinalIgnoreCase))
            return "404 not found: the host answers but the stream path is wrong";
        if (stderr.Contains("Connection refused", StringComparison.OrdinalIgnoreCase))
            return "unreachable: connection refused (wrong port, or the camera's RTSP server is off)";
        if (stderr.Contains("timed out", StringComparison.OrdinalIgnoreCase) || stderr.Contains("Connection timed out", StringComparison.OrdinalIgnoreCase))
            return "unreachable: timed out (wrong address, camera offline, or firewalled)";
        if (stderr.Contains("No route to host", StringComparison.OrdinalIgnoreCase) || stderr.Contains("Name or service not known", StringComparison.OrdinalIgnoreCase))
            return "unreachable: " + lastLine;
        return lastLine.Length == 0 ? "ffprobe failed without a message" : lastLine;
    }
}
