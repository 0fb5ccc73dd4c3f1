namespace CamShare.Core.Recording;

/// <summary>Knobs of the recorder and its supervisor (defaults suit production; tests shorten some).</summary>
public sealed class RecorderOptions
{
    public string FfmpegPath { get; set; } = Media.MediaTools.FindFfmpeg() ?? "ffmpeg"; // CAMSHARE_FFMPEG, then PATH
    public string FfprobePath { get; set; } = Media.MediaTools.FindFfprobe() ?? "ffprobe";

    /// <summary>First restart delay; doubles per consecutive failure up to <see cref="MaxRestartDelay"/>.</summary>
    public TimeSpan InitialRestartDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>While waiting to restart after runs that recorded nothing, how often the camera's port is tried:
    /// the wait ends as soon as it answers again.</summary>
    public TimeSpan ReachabilityPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a graceful stop (one SIGINT) may take before ffmpeg is killed.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Fallback poll of the segment list and the watchdog (a file watcher wakes the loop sooner).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Start ffmpeg in its own session (setsid) so a terminal's Ctrl-C does not signal it a second time.</summary>
    public bool OwnSession { get; set; } = true;
}
