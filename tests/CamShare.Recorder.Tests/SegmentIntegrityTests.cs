using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using CamShare.Core.Configuration;
using CamShare.Core.Recording;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CamShare.Recorder.Tests;

/// <summary>
/// The two defects that lost or corrupted footage: two segments on one name after a restart in the same second,
/// and segments truncated by a full disk admitted as good. Real MP4 files from ffmpeg, cut the way a full disk
/// and a kill cut them.
/// </summary>
public sealed class SegmentIntegrityTests : IDisposable
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
    private readonly string _root = Directory.CreateTempSubdirectory("camshare-integrity-").FullName;
    private string Rec => Path.Combine(_root, "porch", "rec");
    private string Quarantine => Path.Combine(_root, "porch", "quarantine");

    public SegmentIntegrityTests() => Directory.CreateDirectory(Rec);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly string Run1 = SegmentNamer.NewRunId(DateTimeOffset.UtcNow);
    private static readonly string Run2 = SegmentNamer.NewRunId(DateTimeOffset.UtcNow.AddSeconds(1));

    private SegmentNamer Namer() => new(Rec, Chicago, name => SegmentIntake.NameInFolders(Rec, Quarantine, name));

    [Fact]
    public void Two_segments_opened_in_the_same_second_get_two_names_and_names_never_repeat_after_a_restart()
    {
        var namer = Namer();
        var opened = new DateTimeOffset(2024, 3, 23, 15, 20, 0, 200, TimeSpan.Zero); // 10:20:00.2 in Chicago
        var first = RunFile(Run1 + "-000001.mp4", namer, opened);
        var second = RunFile(Run1 + "-000002.mp4", namer, opened.AddMilliseconds(700)); // the same wall-clock second

        Assert.Equal("20240323T102000-0500.mp4", namer.FinalNameFor(first));
        Assert.Equal("20240323T102001-0500.mp4", namer.FinalNameFor(second));

        // A restart: a new namer on the same folder, and ffmpeg reports an open time in a second already named.
        var restarted = Namer();
        var third = RunFile(Run2 + "-000001.mp4", restarted, opened.AddMilliseconds(300));
        Assert.Equal("20240323T102002-0500.mp4", restarted.FinalNameFor(third));

        // A name taken by a file in rec/ (a segment still waiting there) is skipped too.
        File.WriteAllText(Path.Combine(Rec, "20240323T102500-0500.mp4"), "waiting");
        var fourth = RunFile(Run2 + "-000002.mp4", restarted, opened.AddMinutes(5));
        Assert.Equal("20240323T102501-0500.mp4", restarted.FinalNameFor(fourth));
    }

    [Fact]
    public async Task Two_run_files_of_the_same_second_are_both_admitted_intact_under_different_names()
    {
        var admitted = new List<string>();
        var intake = Intake(admitted, out _);
        var a = Path.Combine(Rec, Run1 + "-000001.mp4");
        var b = Path.Combine(Rec, Run1 + "-000002.mp4");
        await MakeSegmentAsync(a, seconds: 2);
        await MakeSegmentAsync(b, seconds: 3);
        var md5 = new[] { Md5(a), Md5(b) };
        var opened = new DateTimeOffset(2024, 3, 23, 15, 20, 0, 100, TimeSpan.Zero);
        intake.Namer.RecordOpened(a, opened);
        intake.Namer.RecordOpened(b, opened.AddMilliseconds(800));

        Assert.True(await intake.TakeAsync(a, "closed", 2, TestContext.Current.CancellationToken));
        Assert.True(await intake.TakeAsync(b, "closed", 3, TestContext.Current.CancellationToken));

        Assert.Equal(["20240323T102000-0500.mp4", "20240323T102001-0500.mp4"], admitted.Select(Path.GetFileName));
        Assert.Equal(md5, admitted.Select(Md5));
    }

    [Fact]
    public async Task A_segment_truncated_by_a_full_disk_is_quarantined_never_admitted()
    {
        var admitted = new List<string>();
        var intake = Intake(admitted, out var logs);
        var file = Path.Combine(Rec, Run1 + "-000001.mp4");
        await MakeSegmentAsync(file, seconds: 3);
        var boxes = TopLevelBoxes(file);
        var (mdatStart, mdatSize) = boxes.Last(b => b.Name == "mdat") is var m ? (m.Offset, m.Size) : default;
        // What ffmpeg left on the full disk: the list line came, the last mdat's bytes did not all reach the file.
        TruncateTo(file, mdatStart + mdatSize / 2);
        intake.Namer.RecordOpened(file, new DateTimeOffset(2024, 3, 23, 15, 20, 0, TimeSpan.Zero));

        Assert.False(await intake.TakeAsync(file, "closed", 3, TestContext.Current.CancellationToken));

        Assert.Empty(admitted);
        Assert.True(File.Exists(Path.Combine(Quarantine, "20240323T102000-0500.mp4")));
        Assert.Contains(logs.Matching("past the end of the file", LogLevel.Warning), l => l.Message.Contains("quarantine"));
    }

    [Fact]
    public async Task A_segment_holding_only_headers_is_quarantined_never_admitted()
    {
        var admitted = new List<string>();
        var intake = Intake(admitted, out var logs);
        var file = Path.Combine(Rec, Run1 + "-000001.mp4");
        await MakeSegmentAsync(file, seconds: 2);
        var moov = TopLevelBoxes(file).Single(b => b.Name == "moov");
        TruncateTo(file, moov.Offset + moov.Size); // ftyp + moov: the 1.3 KB "segment" once uploaded as verified

        Assert.False(await intake.TakeAsync(file, "closed", 0, TestContext.Current.CancellationToken));

        Assert.Empty(admitted);
        Assert.Single(logs.Matching("no media", LogLevel.Warning));
    }

    [Fact]
    public async Task A_whole_segment_passes_the_structure_check()
    {
        var file = Path.Combine(_root, "whole.mp4");
        await MakeSegmentAsync(file, seconds: 2);
        Assert.Equal(new Mp4Verdict(true, ""), Mp4Structure.Check(file));
    }

    private SegmentIntake Intake(List<string> admitted, out CapturingLogger logs)
    {
        logs = new CapturingLogger();
        var camera = new CameraSettings { Name = "porch", Url = "rtsp://127.0.0.1/x", Destinations = ["nas"], TimeZone = "America/Chicago" };
        return new SegmentIntake(camera, Rec, Quarantine, Namer(), (_, path, _) => { admitted.Add(path); return Task.CompletedTask; },
            logs.CreateLogger("CamShare.Recorder"));
    }

    private string RunFile(string name, SegmentNamer namer, DateTimeOffset opened)
    {
        var path = Path.Combine(Rec, name);
        File.WriteAllText(path, name);
        namer.RecordOpened(path, opened);
        return path;
    }

    // A segment the way the recorder's ffmpeg writes one: fragmented MP4, H.264 and AAC.
    private static async Task MakeSegmentAsync(string path, int seconds)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var a in new[] { "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15",
                     "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000", "-t", seconds.ToString(), "-c:v", "libx264", "-g", "15",
                     "-c:a", "aac", "-b:a", "48k", "-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", "-y", path })
            info.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(info)!;
        var errors = await ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0, errors);
    }

    private sealed record Box(string Name, long Offset, long Size);

    private static List<Box> TopLevelBoxes(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var boxes = new List<Box>();
        for (long offset = 0; offset + 8 <= bytes.Length;)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan((int)offset));
            boxes.Add(new Box(System.Text.Encoding.ASCII.GetString(bytes, (int)offset + 4, 4), offset, size));
            offset += size;
        }
        return boxes;
    }

    private static void TruncateTo(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(length);
    }

    private static string Md5(string path) => Convert.ToHexString(MD5.HashData(File.ReadAllBytes(path)));
}
