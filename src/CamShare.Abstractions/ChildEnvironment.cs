using System.Diagnostics;

namespace CamShare.Abstractions;

/// <summary>
/// The environment a child process (ffmpeg, ffprobe, rclone, a plugin's helper) gets: only what it needs to run,
/// so that secrets given to camshare through environment variables (named by <c>passwordEnv</c>,
/// <c>secretAccessKeyEnv</c>, …) never reach it or its /proc/PID/environ.
/// </summary>
public static class ChildEnvironment
{
    private static readonly string[] Kept = ["PATH", "HOME", "USER", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "LD_LIBRARY_PATH"];

    /// <summary>Clears <paramref name="info"/>'s environment down to the basic variables plus those whose names
    /// start with one of <paramref name="keptPrefixes"/> (case-sensitive, e.g. "RCLONE_").</summary>
    public static void Restrict(ProcessStartInfo info, params string[] keptPrefixes)
    {
        ArgumentNullException.ThrowIfNull(info);
        var keep = info.Environment
            .Where(e => e.Value is not null && (Kept.Contains(e.Key) || keptPrefixes.Any(p => e.Key.StartsWith(p, StringComparison.Ordinal))))
            .ToList();
        info.Environment.Clear();
        foreach (var (key, value) in keep) info.Environment[key] = value;
    }
}
