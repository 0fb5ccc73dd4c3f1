using CamShare.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Recording;

/// <summary>
/// What a recorder finds after a crash or an ffmpeg exit: an ffmpeg of an earlier host still running (stopped
/// gracefully, so its last segment gets listed), lists of earlier runs (their complete segments are taken in),
/// and segments nobody listed (cut off by a kill or a power cut): taken in when ffprobe says they are playable,
/// quarantined otherwise. Only runs while no ffmpeg of this camera is writing.
/// </summary>
internal sealed class SegmentRecovery(CameraSettings camera, string rec, SegmentIntake intake, MediaProbe probe,
    RecorderOptions options, ILogger logger, TimeProvider time, Func<string, bool> inSpool)
{
    /// <summary>Start-up: stop an orphaned ffmpeg, take in what earlier runs listed, then check the leftovers.</summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var pidFile in Directory.EnumerateFiles(rec, "ffmpeg-*.pid"))
        {
            if (int.TryParse(await File.ReadAllTextAsync(pidFile, cancellationToken).ConfigureAwait(false), out var pid) && IsOurFfmpeg(pid))
            {
                logger.LogWarning("{Camera}: an ffmpeg of an earlier run (pid {Pid}) is still recording; stopping it", camera.Name, pid);
                ProcessSignals.Send(pid, ProcessSignals.SigInt);
                var started = time.GetTimestamp();
                while (ProcessSignals.Exists(pid) && time.GetElapsedTime(started) < options.StopTimeout)
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                if (ProcessSignals.Exists(pid)) ProcessSignals.Send(pid, ProcessSignals.SigKill);
                while (ProcessSignals.Exists(pid) && IsOurFfmpeg(pid)) await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
            TryDelete(pidFile);
        }
        foreach (var listFile in Directory.EnumerateFiles(rec, "list-*.csv").Order(StringComparer.Ordinal))
        {
            await TakeListedAsync(SegmentListReader.ReadAll(listFile), cancellationToken).ConfigureAwait(false);
            TryDelete(listFile);
        }
        await HandleLeftoversAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes in the listed (complete) segments. Returns how many were taken in.</summary>
    public async Task<int> TakeListedAsync(IEnumerable<ListedSegment> listed, CancellationToken cancellationToken)
    {
        var taken = 0;
        foreach (var segment in listed)
        {
            var path = Path.Combine(rec, segment.Name);
            if (!File.Exists(path)) continue; // already taken in under its final name
            try
            {
                if (await intake.TakeAsync(path, "closed", segment.Seconds, cancellationToken).ConfigureAwait(false)) taken++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Keep recording; the file stays in rec/ and is looked at again as a leftover.
                logger.LogError("{Camera}: could not take segment {File} into the spool: {Error}", camera.Name, segment.Name, ex.Message);
            }
        }
        return taken;
    }

    /// <summary>Segments no list names. Only called when no ffmpeg of ours is running.</summary>
    public async Task HandleLeftoversAsync(CancellationToken cancellationToken)
    {
        foreach (var path in Directory.EnumerateFiles(rec, "*.mp4").Order(StringComparer.Ordinal).ToList())
        {
            var fileName = Path.GetFileName(path);
            if (!File.Exists(path)) continue;
            if (inSpool(fileName)) continue;
            var trimmed = Mp4Structure.TrimIncompleteTail(path);
            if (trimmed > 0)
                logger.LogInformation("{Camera}: removed the incomplete last {Bytes} bytes of the cut-off segment {File}", camera.Name, trimmed, fileName);
            var check = await probe.CheckSegmentAsync(path, cancellationToken).ConfigureAwait(false);
            if (check.Playable)
                await intake.TakeAsync(path, "was cut off but is playable", check.DurationSeconds, cancellationToken).ConfigureAwait(false);
            else
                intake.Quarantine(path, SegmentNamer.IsRunFile(fileName) ? intake.Namer.FinalNameFor(path) : fileName,
                    $"was cut off and is not playable ({check.Reason})");
        }
        foreach (var opens in Directory.EnumerateFiles(rec, "opens-*.csv"))
        {
            var runId = Path.GetFileNameWithoutExtension(opens)["opens-".Length..];
            if (!Directory.EnumerateFiles(rec, runId + "-*.mp4").Any()) intake.Namer.ForgetRun(runId);
        }
    }

    private bool IsOurFfmpeg(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains(rec, StringComparison.Ordinal) && !cmdline.Contains("\0-f\0null", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
