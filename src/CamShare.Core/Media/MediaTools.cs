namespace CamShare.Core.Media;

/// <summary>Finds ffmpeg and ffprobe (on PATH, or where CAMSHARE_FFMPEG / CAMSHARE_FFPROBE point).</summary>
public static class MediaTools
{
    public const string InstallHint =
        "install it: Debian/Ubuntu/Raspberry Pi OS `sudo apt install ffmpeg`; Termux `pkg install ffmpeg`; " +
        "Fedora `sudo dnf install ffmpeg`; macOS `brew install ffmpeg`; Windows `winget install ffmpeg`";

    public static string? FindFfmpeg() => Find("ffmpeg", "CAMSHARE_FFMPEG");

    public static string? FindFfprobe() => Find("ffprobe", "CAMSHARE_FFPROBE");

    /// <summary>The first line of `TOOL -version`, e.g. "ffmpeg version 5.1.6-0+deb12u1".</summary>
    public static async Task<string> VersionAsync(string tool, CancellationToken cancellationToken)
    {
        var result = await Recording.ToolRunner.RunAsync(tool, ["-version"], TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
        return result.StdOut.Split('\n', 2)[0].Trim();
    }

    private static string? Find(string name, string variable)
    {
        var configured = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(configured)) return File.Exists(configured) ? configured : null;
        var fileName = OperatingSystem.IsWindows() ? name + ".exe" : name;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, fileName);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
