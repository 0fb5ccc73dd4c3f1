using System.Diagnostics;

namespace CamShare.Core.Recording;

/// <summary>
/// The environment a child process (ffmpeg, ffprobe) gets: only what it needs to run, so that the secrets of
/// storages (given through environment variables named by <c>passwordEnv</c>, <c>secretAccessKeyEnv</c>, …) never
/// reach it or its /proc/PID/environ.
/// </summary>
public static class ChildEnvironment
{
    private static readonly string[] Kept = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "LD_LIBRARY_PATH"];

    public static void Restrict(ProcessStartInfo info)
    {
        var keep = Kept.Select(k => (k, info.Environment.TryGetValue(k, out var v) ? v : null)).ToList();
        info.Environment.Clear();
        foreach (var (key, value) in keep)
            if (value is not null) info.Environment[key] = value;
    }
}
