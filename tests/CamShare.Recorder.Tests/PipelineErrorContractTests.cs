using CamShare.Abstractions;
using CamShare.Core.Pipeline;
using CamShare.Core.Spool;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CamShare.Recorder.Tests;

/// <summary>
/// The host does what the contract's error classification says, for each class of error (see StorageException),
/// and no provider can hold a destination: time limits, abandoned calls, a recovery that releases the backlog.
/// </summary>
public sealed class PipelineErrorContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 23, 10, 20, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PipelineOptions Fast() => new()
    {
        Concurrency = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromMilliseconds(400),
        AuthRetryDelay = TimeSpan.FromSeconds(1), QuotaRetryDelay = TimeSpan.FromSeconds(3), PluginFaultPause = TimeSpan.FromSeconds(3),
        PluginFaultRetries = 3, AuthErrorLogInterval = TimeSpan.FromMinutes(1),
    };

    private static async Task<List<SpoolSegment>> AdmitAsync(PipelineRig rig, int count, int bytes = 10_000)
    {
        var segments = new List<SpoolSegment>();
        for (var i = 0; i < count; i++) segments.Add((await rig.AdmitAsync(rig.WriteSegment(T0.AddSeconds(i * 300), bytes)))!);
        return segments;
    }

    [Fact]
    public async Task A_plugin_bug_is_logged_once_naming_the_plugin_retried_a_bounded_number_of_times_then_paused()
    {
        await using var rig = new PipelineRig(options: Fast(), destinations: ["nas", "cloud"]);
        rig.Storages["nas"].Buggy = true;
        rig.Start();
        var segments = await AdmitAsync(rig, 3);

        await PipelineRig.WaitUntilAsync(() => segments.All(s => s.IsVerified("cloud")), TimeSpan.FromSeconds(10), "the healthy destination");
        await Task.Delay(2000, Ct);
        // Three faults, then a pause of 3 s: no hot loop, and the other destination was never disturbed. With two
        // workers, the second may have started one more call before the third fault paused the destination.
        Assert.InRange(rig.Storages["nas"].PutCalls, 3, 3 + Fast().Concurrency - 1);
        var bug = Assert.Single(rig.Logs.Matching("a bug in the plugin", LogLevel.Error));
        Assert.Contains("test plugin", bug.Message);
        Assert.Contains("NullReferenceException", bug.Message);
        Assert.Single(rig.Logs.Matching("3 plugin faults in a row", LogLevel.Error));
        Assert.Equal(3, rig.Storages["cloud"].PutCalls);
        Assert.All(segments, s => Assert.True(File.Exists(s.Path), "kept for the failing destination"));

        rig.Storages["nas"].Buggy = false; // fixed plugin: after the pause everything goes
        await PipelineRig.WaitUntilAsync(() => segments.All(s => s.IsGone), TimeSpan.FromSeconds(15), "delivery after the pause");
    }

    [Fact]
    public async Task A_full_backend_pauses_the_destination_with_the_longer_quota_delay_and_one_error_line()
    {
        await using var rig = new PipelineRig(options: Fast());
        rig.Storages["nas"].Full = true;
        rig.Start();
        var segments = await AdmitAsync(rig, 3);
        await Task.Delay(2500, Ct);
        Assert.InRange(rig.Storages["nas"].PutCalls, 1, 2); // one per worker, then the 3 s quota pause
        Assert.Contains("the storage is full", Assert.Single(rig.Logs.Lines, l => l.Level == LogLevel.Error).Message);
        rig.Storages["nas"].Full = false;
        await PipelineRig.WaitUntilAsync(() => segments.All(s => s.IsGone), TimeSpan.FromSeconds(10), "delivery once space is free");
    }

    [Fact]
    public async Task A_retry_after_from_the_backend_is_honoured()
    {
        await using var rig = new PipelineRig(options: Fast());
        var nas = rig.Storages["nas"];
        nas.ThrottleFor = TimeSpan.FromSeconds(1.5);
        rig.Start();
        var segment = (await AdmitAsync(rig, 1)).Single();
        await PipelineRig.WaitUntilAsync(() => nas.PutCalls >= 1, TimeSpan.FromSeconds(5), "the first attempt");
        await Task.Delay(1000, Ct);
        Assert.Equal(1, nas.PutCalls); // the jittered backoff alone would have retried within 100 ms
        nas.ThrottleFor = null;
        await PipelineRig.WaitUntilAsync(() => segment.IsGone, TimeSpan.FromSeconds(10), "delivery after the wait");
        var times = nas.PutTimes.ToArray();
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(1.4), $"retried after {(times[1] - times[0]).TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task A_put_that_hangs_and_ignores_cancellation_is_abandoned_and_the_segment_retried()
    {
        var options = Fast();
        options.OperationTimeout = TimeSpan.FromSeconds(1);
        options.AbandonGrace = TimeSpan.FromMilliseconds(500);
        await using var rig = new PipelineRig(options: options);
        var nas = rig.Storages["nas"];
        nas.Hangs = true;
        rig.Start();
        var segment = (await AdmitAsync(rig, 1)).Single();
        await PipelineRig.WaitUntilAsync(() => rig.Queues["nas"].Abandoned >= 1, TimeSpan.FromSeconds(10), "the abandoned put");
        Assert.NotEmpty(rig.Logs.Matching("ignored cancellation", LogLevel.Warning));
        nas.Hangs = false;
        await PipelineRig.WaitUntilAsync(() => segment.IsGone, TimeSpan.FromSeconds(15), "delivery after the hang");
    }

    [Fact]
    public async Task When_a_destination_recovers_every_waiting_segment_goes_at_once()
    {
        var options = Fast();
        options.RetryMaxDelay = TimeSpan.FromSeconds(2);
        await using var rig = new PipelineRig(options: options);
        var nas = rig.Storages["nas"];
        nas.Unreachable = true;
        rig.Start();
        var segments = await AdmitAsync(rig, 6);
        await Task.Delay(3000, Ct); // long enough for the backoff to reach its cap
        var failedCalls = nas.PutCalls;
        nas.Unreachable = false;
        var recovered = DateTimeOffset.UtcNow;
        await PipelineRig.WaitUntilAsync(() => segments.All(s => s.IsGone), TimeSpan.FromSeconds(10), "the backlog");
        var after = nas.PutTimes.Skip(failedCalls).ToList();
        // Exactly one attempt per segment after the recovery, all within one backoff period of it, not each on
        // a timer of its own.
        Assert.Equal(6, after.Count(t => t >= recovered.AddMilliseconds(-50)));
        Assert.True(after.Max() - recovered < TimeSpan.FromSeconds(4), $"the last went {(after.Max() - recovered).TotalSeconds:0.0} s after the recovery");
    }

    [Fact]
    public async Task A_segment_dropped_by_the_spool_cap_while_uploading_is_cancelled_and_never_stored()
    {
        await using var rig = new PipelineRig(maxSizeMb: 1, options: Fast());
        var nas = rig.Storages["nas"];
        nas.Delay = TimeSpan.FromSeconds(30); // a very slow link
        rig.Start();
        var first = (await rig.AdmitAsync(rig.WriteSegment(T0, 600_000)))!;
        await PipelineRig.WaitUntilAsync(() => nas.PutCalls >= 1, TimeSpan.FromSeconds(5), "the first upload");
        var second = (await rig.AdmitAsync(rig.WriteSegment(T0.AddSeconds(300), 600_000)))!;
        Assert.True(first.IsGone);
        nas.Delay = TimeSpan.Zero;
        await PipelineRig.WaitUntilAsync(() => second.IsGone, TimeSpan.FromSeconds(10), "the newest segment");
        Assert.DoesNotContain(nas.Stored.Keys, k => k.EndsWith(first.FileName, StringComparison.Ordinal));
        var drop = Assert.Single(rig.Logs.Matching("dropped segment", LogLevel.Warning));
        Assert.Contains("in flight are cancelled", drop.Message);
    }

    [Fact]
    public async Task Stale_temporary_objects_beside_a_new_upload_are_swept_and_fresh_ones_kept()
    {
        await using var rig = new PipelineRig(options: Fast());
        var nas = rig.Storages["nas"];
        var stale = StorageKeys.TemporaryKeyFor("cam/20260323/20260323T100000+0000.mp4", DateTimeOffset.UtcNow.AddHours(-3));
        var fresh = StorageKeys.TemporaryKeyFor("cam/20260323/20260323T101500+0000.mp4");
        foreach (var key in new[] { stale, fresh })
            await nas.PutAsync(key, UploadSource.FromStream(3, _ => ValueTask.FromResult<Stream>(new MemoryStream([1, 2, 3]))), null, Ct);
        rig.Start();
        var segment = (await AdmitAsync(rig, 1)).Single();
        await PipelineRig.WaitUntilAsync(() => segment.IsGone, TimeSpan.FromSeconds(10), "the upload");
        await PipelineRig.WaitUntilAsync(async () => !(await Keys(nas)).Contains(stale), TimeSpan.FromSeconds(10), "the sweep");
        Assert.Contains(fresh, await Keys(nas));
        Assert.Single(rig.Logs.Matching("removed a stale temporary object"));
    }

    private static async Task<List<string>> Keys(IStorageProvider storage)
    {
        var keys = new List<string>();
        await foreach (var o in storage.ListAsync("", Ct)) keys.Add(o.Key);
        return keys;
    }
}
