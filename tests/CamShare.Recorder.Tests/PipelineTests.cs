using CamShare.Abstractions;
using CamShare.Core.Pipeline;
using CamShare.Core.Storage;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CamShare.Recorder.Tests;

/// <summary>Upload queue, verification, retries, auth pauses, spool cap and resume, with a fault-injecting provider.</summary>
public sealed class PipelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 23, 10, 20, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Failure_before_upload_is_retried_until_verified_then_the_local_file_goes()
    {
        await using var rig = new PipelineRig();
        rig.Storages["nas"].FailBeforeUpload = 2;
        rig.Start();
        var path = rig.WriteSegment(T0, 200_000);
        var md5 = (await Checksums.ComputeFileAsync(path, ChecksumAlgorithms.Md5, Ct)).Hex;
        var segment = (await rig.AdmitAsync(path))!;

        await PipelineRig.WaitUntilAsync(() => segment.IsGone, TimeSpan.FromSeconds(20), "verification");
        Assert.Equal(3, rig.Storages["nas"].PutCalls);
        Assert.False(File.Exists(path));
        Assert.Equal(md5, Assert.Single(rig.Storages["nas"].Stored["cam/20260323/20260323T102000+0000.mp4"]));
        Assert.Equal(2, rig.Logs.Matching("injected: failure before upload", LogLevel.Warning).Count());
        Assert.Single(rig.Logs.Matching("verified (size+md5)"));
        Assert.Empty(rig.JournalLive());
    }

    [Fact]
    public async Task Failure_after_upload_is_retried_to_the_same_key_and_the_segment_kept_meanwhile()
    {
        await using var rig = new PipelineRig();
        rig.Storages["nas"].FailAfterUpload = 2;
        var seenWhileFailing = false;
        rig.Storages["nas"].AfterInnerPut = _ => seenWhileFailing |= File.Exists(Path.Combine(rig.RecFolder, "20260323T102000+0000.mp4"));
        rig.Start();
        var segment = (await rig.AdmitAsync(rig.WriteSegment(T0, 100_000)))!;

        await PipelineRig.WaitUntilAsync(() => segment.IsGone, TimeSpan.FromSeconds(20), "verification");
        Assert.True(seenWhileFailing);
        var puts = rig.Storages["nas"].Stored.Single();
        Assert.Equal("cam/20260323/20260323T102000+0000.mp4", puts.Key);
        Assert.Equal(3, puts.Value.Count);
        Assert.Single(puts.Value.Distinct());
        var objects = new List<StoredObject>();
        await foreach (var o in rig.Storages["nas"].ListAsync("", Ct)) objects.Add(o);
        Assert.Single(objects);
    }

    [Fact]
    public async Task A_wrong_reported_size_is_not_accepted_as_verified()
    {
        await using var rig = new PipelineRig();
        rig.Storages["nas"].LieAboutSize = 1;
        rig.Start();
        var segment = (await rig.AdmitAsync(rig.WriteSegment(T0, 50_000)))!;
        await PipelineRig.WaitUntilAsync(() => segment.IsGone, TimeSpan.FromSeconds(20), "verification");
        Assert.Equal(2, rig.Storages["nas"].PutCalls);
        Assert.Single(rig.Logs.Matching("holds 50001 bytes", LogLevel.Warning));
    }

    [Fact]
    public async Task Authentication_error_pauses_the_destination_logs_once_and_keeps_every_segment()
    {
        await using var rig = new PipelineRig(options: new PipelineOptions
        {
            Concurrency = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(50), AuthRetryDelay = TimeSpan.FromSeconds(1.5),
            AuthErrorLogInterval = TimeSpan.FromMinutes(1),
        });
        var nas = rig.Storages["nas"];
        nas.AuthenticationBroken = true;
        rig.Start();
        var segments = new List<CamShare.Core.Spool.SpoolSegment>();
        for (var i = 0; i < 3; i++) segments.Add((await rig.AdmitAsync(rig.WriteSegment(T0.AddSeconds(i * 300), 10_000)))!);

        await Task.Delay(4000, Ct);
        // A loop would have made thousands of calls; a paused destination makes one per worker per pause.
        Assert.InRange(nas.PutCalls, 1, 2 * 4);
        Assert.Single(rig.Logs.Lines, l => l.Level == LogLevel.Error);
        Assert.Contains("authentication failed", rig.Logs.Lines.Single(l => l.Level == LogLevel.Error).Message);
        Assert.All(segments, s => Assert.True(File.Exists(s.Path)));
        Assert.Equal(3, rig.JournalLive().Count);

        nas.AuthenticationBroken = false; // credentials fixed: everything goes out
        await PipelineRig.WaitUntilAsync(() => segments.All(s => s.IsGone), TimeSpan.FromSeconds(20), "delivery after the fix");
        Assert.Equal(3, nas.Stored.Count);
        Assert.Empty(rig.Logs.Matching("dropped"));
    }

    [Fact]
    public async Task Spool_over_its_cap_drops_the_oldest_segments_with_the_reason()
    {
        await using var rig = new PipelineRig(maxSizeMb: 1);
        rig.Storages["nas"].Unreachable = true;
        rig.Start();
        var segments = new List<CamShare.Core.Spool.SpoolSegment>();
        for (var i = 0; i < 4; i++)
        {
            segments.Add((await rig.AdmitAsync(rig.WriteSegment(T0.AddSeconds(i * 300), 400_000)))!);
            await Task.Delay(300, Ct); // let the destination fail at least once
        }

        Assert.True(segments[0].IsGone && segments[1].IsGone, "the two oldest should be dropped");
        Assert.False(segments[2].IsGone || segments[3].IsGone, "the two newest should be kept");
        Assert.False(File.Exists(segments[0].Path));
        Assert.True(File.Exists(segments[3].Path));
        var drops = rig.Logs.Matching("dropped segment", LogLevel.Warning).ToList();
        Assert.Equal(2, drops.Count);
        Assert.All(drops, d => Assert.Contains("spool over its 1 MB cap", d.Message));
        Assert.All(drops, d => Assert.Contains("'nas' is failing since", d.Message));
        Assert.Equal([segments[2].FileName, segments[3].FileName], rig.JournalLive().Select(s => s.Added.File));
    }

    [Fact]
    public async Task Keep_local_moves_the_verified_segment_aside_and_closes_its_journal_entry()
    {
        await using var rig = new PipelineRig(keepLocal: true, destinations: ["nas", "cloud"]);
        rig.Start();
        var path = rig.WriteSegment(T0, 20_000);
        var segment = (await rig.AdmitAsync(path))!;
        await PipelineRig.WaitUntilAsync(() => segment.IsGone, TimeSpan.FromSeconds(10), "both destinations");
        Assert.False(File.Exists(path));
        Assert.True(File.Exists(Path.Combine(rig.SpoolPath, PipelineRig.Camera, "kept", segment.FileName)));
        Assert.Empty(rig.JournalLive());
        Assert.Single(rig.Logs.Matching("kept in kept/ (all 2 destination(s) verified)"));
    }

    [Fact]
    public async Task Restart_resumes_only_the_destinations_that_have_not_verified()
    {
        var root = EngineHarness.NewRoot();
        var first = new PipelineRig(root, destinations: ["nas", "cloud"]);
        first.Storages["cloud"].Unreachable = true;
        first.Start();
        var segment = (await first.AdmitAsync(first.WriteSegment(T0, 30_000)))!;
        await PipelineRig.WaitUntilAsync(() => segment.IsVerified("nas"), TimeSpan.FromSeconds(10), "nas");
        await first.ShutdownAsync();
        Assert.True(File.Exists(segment.Path));

        await using var second = new PipelineRig(root, destinations: ["nas", "cloud"]);
        var restored = second.Spool.Restore(second.Live);
        var again = Assert.Single(restored);
        Assert.True(again.IsVerified("nas"));
        second.Start();
        await PipelineRig.WaitUntilAsync(() => again.IsGone, TimeSpan.FromSeconds(10), "cloud");
        Assert.Equal(0, second.Storages["nas"].PutCalls);
        Assert.Equal(1, second.Storages["cloud"].PutCalls);
        Assert.False(File.Exists(again.Path));
        Assert.Empty(second.JournalLive());
    }
}
