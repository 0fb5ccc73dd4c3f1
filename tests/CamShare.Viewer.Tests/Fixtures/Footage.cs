namespace CamShare.Viewer.Tests.Fixtures;

/// <summary>
/// Real fragmented MP4 segments made by ffmpeg, as the recorder writes them: lavfi test pattern + tone,
/// H.264 + AAC, <c>+frag_keyframe+empty_moov+default_base_moof</c>, a keyframe every second.
/// </summary>
internal static class Footage
{
    public const int Width = 320;
    public const int Height = 180;
    public const int Seconds = 5;

    /// <summary>Writes one segment; <paramref name="hue"/> shifts the pattern's colours so segments differ.</summary>
    public static Task MakeSegmentAsync(string path, int hue)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return Tools.RunAsync("ffmpeg", [
            "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", $"testsrc=size={Width}x{Height}:rate=25:duration={Seconds},hue=h={hue}",
            "-f", "lavfi", "-i", $"sine=frequency={440 + hue}:sample_rate=48000:duration={Seconds}",
            "-c:v", "libx264", "-profile:v", "baseline", "-level", "3.0", "-pix_fmt", "yuv420p", "-g", "25",
            "-c:a", "aac", "-b:a", "64k",
            "-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", path]);
    }

    /// <summary>An H.265 segment tagged hvc1 (what the recorder writes for an H.265 camera).</summary>
    public static Task MakeHevcSegmentAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return Tools.RunAsync("ffmpeg", [
            "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", $"testsrc=size={Width}x{Height}:rate=25:duration=2",
            "-f", "lavfi", "-i", "sine=sample_rate=48000:duration=2",
            "-c:v", "libx265", "-tag:v", "hvc1", "-pix_fmt", "yuv420p", "-x265-params", "log-level=none",
            "-c:a", "aac", "-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", path]);
    }

    /// <summary>ffprobe's JSON for a file (streams with their extradata).</summary>
    public static Task<string> ProbeAsync(string path) =>
        Tools.RunAsync("ffprobe", ["-v", "error", "-show_streams", "-show_data", "-of", "json", path]);
}
