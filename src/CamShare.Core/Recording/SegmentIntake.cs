using System.Globalization;
using CamShare.Core.Configuration;
using CamShare.Core.Spool;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Recording;

/// <summary>
/// Where a complete segment file goes from the recording folder: its MP4 structure is checked (a full disk
/// leaves files whose last box ends past their end), it gets its final name, and it is handed to the spool;
/// what fails the check is moved to quarantine with the reason. The only path from rec/ to the spool.
/// </summary>
internal sealed class SegmentIntake
{
    private readonly CameraSettings _camera;
    private readonly string _rec;
    private readonly string _quarantine;
    private readonly CameraRecorder.AdmitSegment _admit;
    private readonly ILogger _logger;

    public SegmentIntake(CameraSettings camera, string rec, string quarantine, SegmentNamer namer, CameraRecorder.AdmitSegment admit, ILogger logger)
    {
        _camera = camera;
        _rec = rec;
        _quarantine = quarantine;
        Namer = namer;
        _admit = admit;
        _logger = logger;
    }

    public SegmentNamer Namer { get; }

    /// <summary>Takes the complete file at <paramref name="path"/> in. Returns false when it was quarantined.</summary>
    /// <param name="why">How we know it is complete: "closed" (listed by ffmpeg) or "cut off but playable".</param>
    public async Task<bool> TakeAsync(string path, string why, double? seconds, CancellationToken cancellationToken)
    {
        var verdict = Mp4Structure.Check(path);
        var final = SegmentNamer.IsRunFile(Path.GetFileName(path)) ? Namer.FinalNameFor(path) : Path.GetFileName(path);
        if (!verdict.Ok)
        {
            Quarantine(path, final, $"failed the MP4 structure check ({verdict.Reason})");
            return false;
        }
        var target = Path.Combine(_rec, final);
        if (!string.Equals(target, path, StringComparison.Ordinal)) File.Move(path, target, overwrite: false);
        _logger.LogInformation("{Camera}: segment {File} {Why} ({Seconds} s, {Size:0.0} MB)", _camera.Name, final, why,
            seconds is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : "?", new FileInfo(target).Length / 1048576.0);
        await _admit(_camera, target, cancellationToken).ConfigureAwait(false);
        CamShareMetrics.SegmentRecorded(_camera.Name);
        return true;
    }

    public void Quarantine(string path, string finalName, string reason)
    {
        CamShareMetrics.SegmentQuarantined(_camera.Name);
        Directory.CreateDirectory(_quarantine);
        File.Move(path, Path.Combine(_quarantine, finalName), overwrite: true);
        _logger.LogWarning("{Camera}: segment {File} {Reason}; moved to quarantine, not uploaded",
            _camera.Name, finalName, reason);
    }

    /// <summary>Whether a final name is in use in the recording folder or the quarantine.</summary>
    public static bool NameInFolders(string rec, string quarantine, string name) =>
        File.Exists(Path.Combine(rec, name)) || File.Exists(Path.Combine(quarantine, name));
}
