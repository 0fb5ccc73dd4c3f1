using CamShare.Abstractions;
using CamShare.Core.Configuration;
using CamShare.Core.Pipeline;
using CamShare.Core.Recording;
using CamShare.Core.Spool;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CamShare.Recorder.Tests;

public sealed class JournalTests
{
    [Fact]
    public void A_torn_last_line_is_ignored_and_the_journal_compacted()
    {
        var root = EngineHarness.NewRoot();
        try
        {
            var path = Path.Combine(root, "journal.jsonl");
            File.WriteAllText(path,
                """{"op":"added","cam":"porch","file":"a.mp4","at":"2026-03-23T10:20:00+00:00","size":10,"md5":"aa","dests":["nas","cloud"]}""" + "\n" +
                """{"op":"verified","cam":"porch","file":"a.mp4","at":"2026-03-23T10:20:01+00:00","dest":"nas","key":"porch/a.mp4"}""" + "\n" +
                """{"op":"added","cam":"porch","file":"b.mp4","at":"2026-03-23T10:25:00+00:00","size":20,"md5":"bb","dests":["nas"]}""" + "\n" +
                """{"op":"added","cam":"porch","file":"c.mp4","at":"2026-03-23T10:30:00+00:00","size":30,"md5":"cc","dests":["nas"]}""" + "\n" +
                """{"op":"removed","cam":"porch","file":"c.mp4","at":"2026-03-23T10:30:05+00:00"}""" + "\n" +
                """{"op":"verified","cam":"porch","file":"b.mp4","at":"2026-03-2""");
            var logs = new CapturingLogger();
            using (var journal = SegmentJournal.Open(path, logs.CreateLogger("test"), out var live))
            {
                Assert.Equal(["a.mp4", "b.mp4"], live.Select(s => s.Added.File));
                Assert.Equal("porch/a.mp4", live[0].Verified["nas"]);
                Assert.Empty(live[1].Verified);
                Assert.Single(logs.Matching("torn by a crash", LogLevel.Warning));
                var compacted = File.ReadAllText(path);
                Assert.EndsWith("\n", compacted);
                Assert.Equal(3, compacted.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
                journal.Append(new JournalRecord { Op = JournalRecord.Verified, Camera = "porch", File = "b.mp4", Destination = "nas", Key = "porch/b.mp4" });
            }
            using (SegmentJournal.Open(path, logs.CreateLogger("test"), out var live))
            {
                Assert.Equal("porch/b.mp4", live[1].Verified["nas"]);
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}

public sealed class JournalCompactionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_long_running_journal_is_compacted()
    {
        await using var rig = new PipelineRig();
        rig.Spool.CompactEvery = 6;
        rig.Start();
        var segments = new List<CamShare.Core.Spool.SpoolSegment>();
        for (var i = 0; i < 12; i++) segments.Add((await rig.AdmitAsync(rig.WriteSegment(T0.AddMinutes(5 * i), 1000)))!);
        await PipelineRig.WaitUntilAsync(() => segments.All(s => s.IsGone), TimeSpan.FromSeconds(20), "all segments");

        // 12 segments x 3 records were written; compaction keeps the file short.
        Assert.InRange(File.ReadAllLines(rig.Journal.Path).Length, 0, 8);
        Assert.Empty(rig.JournalLive());
    }

    [Fact]
    public async Task Compaction_keeps_pending_segments_with_their_verified_destinations()
    {
        await using var rig = new PipelineRig(destinations: ["nas", "cloud"]);
        rig.Spool.CompactEvery = 1;
        rig.Storages["cloud"].Unreachable = true;
        rig.Start();
        var waiting = (await rig.AdmitAsync(rig.WriteSegment(T0, 1000)))!;
        await PipelineRig.WaitUntilAsync(() => waiting.IsVerified("nas"), TimeSpan.FromSeconds(10), "nas");
        var other = (await rig.Spool.AdmitAsync(PipelineRig.Camera, rig.WriteSegment(T0.AddMinutes(5), 1000), ["nas"], CancellationToken.None))!;
        rig.Queues["nas"].Enqueue(other);
        await PipelineRig.WaitUntilAsync(() => other.IsGone, TimeSpan.FromSeconds(10), "other removed");

        var state = Assert.Single(rig.JournalLive()); // compacted when 'other' was removed: only 'waiting' remains
        Assert.Equal(waiting.FileName, state.Added.File);
        Assert.Equal(waiting.Md5, state.Added.Md5);
        Assert.Equal(["nas", "cloud"], state.Added.Destinations);
        Assert.True(state.Verified.ContainsKey("nas"));
        Assert.False(state.Verified.ContainsKey("cloud"));
        Assert.Equal(2, File.ReadAllLines(rig.Journal.Path).Length);
        Assert.True(File.Exists(waiting.Path));
    }
}

public sealed class NamingTests
{
    [Fact]
    public void Key_template_applies_camera_file_and_date_formats_of_the_local_start()
    {
        Assert.True(SegmentName.TryParseStart("20240323T102000-0500.mp4", out var start));
        Assert.Equal(new DateTimeOffset(2024, 3, 23, 10, 20, 0, TimeSpan.FromHours(-5)), start);
        Assert.Equal("porch/20240323/10/20240323T102000-0500.mp4",
            KeyTemplate.Render(CamShareSettings.DefaultKeyTemplate, "porch", "20240323T102000-0500.mp4", start));
        Assert.True(SegmentName.TryParseStart("20240323T102000+0130.mp4", out var plus));
        Assert.Equal(TimeSpan.FromMinutes(90), plus.Offset);
        Assert.False(SegmentName.TryParseStart("list-1.csv", out _));
    }

    [Theory]
    [InlineData("{camera}/{yyyy}/{d}/{file}", "porch/2024/23/f.mp4")] // "d" alone is a standard format: not here
    [InlineData("cams/{camera}-{HH}h/{file}", "cams/porch-10h/f.mp4")]
    public void Key_template_tokens_render_as_custom_date_formats(string template, string expected) =>
        Assert.Equal(expected, KeyTemplate.Render(template, "porch", "f.mp4", new DateTimeOffset(2024, 3, 23, 10, 20, 0, TimeSpan.FromHours(-5))));

    [Theory]
    [InlineData("../{camera/{file}")] // rendered as "../ca38era/{0ile" before braces were checked
    [InlineData("{camera}}/{file}")]
    [InlineData("{camera}/{}/{file}")]
    public void Key_templates_with_unmatched_or_empty_braces_are_refused(string template) =>
        Assert.Throws<FormatException>(() => KeyTemplate.Parse(template));

    [Fact]
    public void Segment_list_lines_count_only_when_complete()
    {
        var root = EngineHarness.NewRoot();
        try
        {
            var path = Path.Combine(root, "list.csv");
            File.WriteAllText(path, "a.mp4,0.000000,3.000000\nb.mp4,3.000");
            var reader = new SegmentListReader(path);
            var first = reader.ReadNew();
            Assert.Equal("a.mp4", Assert.Single(first).Name);
            Assert.Equal(3.0, first[0].Seconds!.Value, 3);
            Assert.Empty(reader.ReadNew());
            File.AppendAllText(path, "000,6.000000\n\"c,1.mp4\",6.0,9.0\n");
            Assert.Equal(["b.mp4", "c,1.mp4"], reader.ReadNew().Select(l => l.Name));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}

public sealed class FfmpegCommandTests
{
    private static CameraSettings Camera(AudioMode audio = AudioMode.Auto) => new()
    {
        Name = "porch", Url = "rtsp://10.0.0.5:554/stream1", Username = "admin", Password = "p@ss:w/rd%", SegmentSeconds = 300,
        RtspTimeoutSeconds = 10, Audio = audio, Destinations = ["nas"],
    };

    [Fact]
    public void Arguments_follow_the_original_setup_plus_crash_safety()
    {
        var args = FfmpegCommand.Record(Camera(), "/spool/porch/rec", "/spool/porch/rec/list-1.csv", new StreamInfo("h264", "pcm_alaw"));
        var line = string.Join(' ', args);
        Assert.True(args.ToList().IndexOf("-timeout") < args.ToList().IndexOf("-i"), "-timeout must come before -i");
        Assert.Contains("-rtsp_transport tcp -timeout 10000000 -i rtsp://admin:p%40ss%3Aw%2Frd%25@10.0.0.5:554/stream1 -map 0 -c:v copy", line);
        Assert.Contains("-c:a aac -b:a 48k", line);
        Assert.Contains("-f segment -segment_time 300 -segment_atclocktime 1 -reset_timestamps 1", line);
        Assert.Contains("-progress pipe:1 -stats_period 1", line);
        Assert.Contains("-segment_list /spool/porch/rec/list-1.csv -segment_list_type csv", line);
        Assert.Contains("movflags=+frag_keyframe+empty_moov+default_base_moof:flush_packets=1", line);
        Assert.Equal("/spool/porch/rec/run-%06d.mp4", args[^1]); // unique by construction; renamed when complete
        Assert.DoesNotContain("hvc1", line);
    }

    [Fact]
    public void Audio_mode_and_hevc_tag()
    {
        string Line(AudioMode mode, StreamInfo? s) => string.Join(' ', FfmpegCommand.Record(Camera(mode), "/r", "/r/l.csv", s));
        Assert.Contains("-c:a copy", Line(AudioMode.Auto, new StreamInfo("h264", "aac")));
        Assert.Contains("-c:a copy", Line(AudioMode.Auto, new StreamInfo("h264", "opus")));
        Assert.Contains("-c:a aac", Line(AudioMode.Auto, null));
        Assert.Contains("-an", Line(AudioMode.None, new StreamInfo("h264", "aac")));
        // A camera without audio: no AAC encoder for a stream that is not there.
        Assert.Contains("-an", Line(AudioMode.Auto, new StreamInfo("h264", null)));
        Assert.DoesNotContain("-c:a", Line(AudioMode.Auto, new StreamInfo("h264", null)));
        Assert.Contains("-c:a aac", Line(AudioMode.Aac, new StreamInfo("h264", "aac")));
        Assert.Contains("-tag:v hvc1", Line(AudioMode.Auto, new StreamInfo("hevc", "aac")));
        var demoCamera = Camera();
        demoCamera.Url = "demo:";
        var demoLine = string.Join(' ', FfmpegCommand.Record(demoCamera, "/r", "/r/l.csv", null));
        Assert.Contains("-f lavfi -i testsrc2", demoLine);
        Assert.Contains("-c:v libx264", demoLine);
        Assert.DoesNotContain("admin", demoLine);
    }

    [Fact]
    public void Redactor_scrubs_plain_and_encoded_passwords_and_url_credentials()
    {
        var redactor = new SecretRedactor("p@ss:w/rd%");
        Assert.Equal("Input #0, rtsp, from 'rtsp://admin:***@10.0.0.5:554/stream1':",
            redactor.Redact("Input #0, rtsp, from 'rtsp://admin:p%40ss%3Aw%2Frd%25@10.0.0.5:554/stream1':"));
        Assert.DoesNotContain("p@ss", redactor.Redact("auth failed for p@ss:w/rd% today"));
        Assert.DoesNotContain("p%40ss", redactor.Redact("x p%40ss%3Aw%2Frd%25 y"));
        Assert.Equal("nothing secret here", redactor.Redact("nothing secret here"));
    }
}
