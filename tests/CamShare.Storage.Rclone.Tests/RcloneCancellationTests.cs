using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using Xunit;
using static CamShare.Storage.Rclone.Tests.TestData;

namespace CamShare.Storage.Rclone.Tests;

/// <summary>
/// Cancellation kills rclone (and anything it started) and waits for it. These tests look at this process's child
/// processes, so they run alone (no other test starts rclone meanwhile).
/// </summary>
[Collection(RcloneProcessCollection.Name)]
public sealed class RcloneCancellationTests(LocalRemoteFixture fixture) : IClassFixture<LocalRemoteFixture>
{
    [Fact]
    public async Task Cancelling_a_file_upload_kills_rclone_and_leaves_no_object_and_no_process()
    {
        const long length = 8L << 20;
        var file = await WriteFileAsync(length, seed: 3);
        try
        {
            var before = Md5OfFile(file);
            var provider = fixture.Create(fixture.Options(o => o.BandwidthLimit = "1M")); // ~8 s: cancelled midway
            var pids = new List<int>();
            provider.Runner.ProcessStarted = pid => { lock (pids) pids.Add(pid); };
            var prefix = NewPrefix("cancel-file");
            var progress = new WatchedProgress();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));

            var put = provider.PutAsync(prefix + "segment.mp4", UploadSource.FromFile(file), progress, cts.Token);
            await Task.WhenAny(progress.Moving, put);
            Assert.False(put.IsCompleted, put.Exception?.ToString() ?? "the upload finished before it could be cancelled");
            await cts.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => put);
            AssertNoRcloneLeft(pids);
            Assert.Empty(await ListAsync(provider, prefix));
            var folder = Path.Combine(fixture.Root, prefix);
            Assert.Empty(Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories) : []);
            Assert.Equal(before, Md5OfFile(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Cancelling_a_streamed_upload_kills_rclone_and_leaves_no_process()
    {
        const long length = 4L << 20;
        var provider = fixture.Create(fixture.Options());
        var pids = new List<int>();
        provider.Runner.ProcessStarted = pid => { lock (pids) pids.Add(pid); };
        var prefix = NewPrefix("cancel-stream");
        using var content = new GeneratedStream(length, seed: 4, gateAt: length / 2);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        var put = provider.PutAsync(prefix + "segment.mp4",
            UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(content)), null, cts.Token);
        await Task.WhenAny(content.ReachedGate, put);
        Assert.False(put.IsCompleted, put.Exception?.ToString() ?? "the upload finished before it could be cancelled");
        Assert.Single(Tools.ChildrenNamed("rclone")); // rcat is running now: the check below can see rclone

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => put);
        AssertNoRcloneLeft(pids);
        Assert.Empty(await ListAsync(provider, prefix));
    }

    [Fact]
    public async Task An_upload_over_the_operation_timeout_is_killed_and_reported_as_transient()
    {
        const long length = 8L << 20;
        var file = await WriteFileAsync(length, seed: 6);
        try
        {
            // 8 MiB at 1 MiB/s cannot finish within the 1 s allowed.
            var provider = fixture.Create(fixture.Options(o => { o.BandwidthLimit = "1M"; o.OperationTimeoutSeconds = 1; }));
            var pids = new List<int>();
            provider.Runner.ProcessStarted = pid => { lock (pids) pids.Add(pid); };
            var prefix = NewPrefix("timeout");

            var error = await Assert.ThrowsAsync<StorageTransientException>(() =>
                provider.PutAsync(prefix + "segment.mp4", UploadSource.FromFile(file), null, Timeout()));

            Assert.Contains("operationTimeoutSeconds", error.Message);
            AssertNoRcloneLeft(pids);
            Assert.Empty(await ListAsync(fixture.CreateProvider(), prefix));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_inherited_dry_run_variable_does_not_reach_rclone()
    {
        // rclone reads every flag from RCLONE_<FLAG> too; with RCLONE_DRY_RUN it would "succeed" storing nothing.
        Environment.SetEnvironmentVariable("RCLONE_DRY_RUN", "true");
        try
        {
            var provider = fixture.CreateProvider();
            var key = NewPrefix("dry-run") + "a.mp4";
            await provider.PutAsync(key, Generated(3000, 5), null, Timeout());
            Assert.Equal(GeneratedStream.Md5Of(3000, 5), await Md5OfObjectAsync(provider, key));
        }
        finally
        {
            Environment.SetEnvironmentVariable("RCLONE_DRY_RUN", null);
        }
    }

    [Fact, System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Cancellation_kills_the_whole_process_tree_and_waits_for_it()
    {
        // A stand-in for rclone that starts a child of its own and waits: both must be gone after cancellation.
        var dir = Directory.CreateTempSubdirectory("camshare-fake-rclone-").FullName;
        try
        {
            var script = Path.Combine(dir, "rclone");
            var childPidFile = Path.Combine(dir, "child.pid");
            File.WriteAllText(script, $"#!/bin/sh\nsleep 600 &\necho $! > '{childPidFile}'\nwait\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var logger = new CapturingLogger<RcloneStorageProvider>();
            var provider = new RcloneStorageProvider(fixture.Options(o => o.RclonePath = script),
                new CamShare.Abstractions.StorageIdentity("fake"), logger);
            var pids = new List<int>();
            provider.Runner.ProcessStarted = pid => { lock (pids) pids.Add(pid); };
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));

            var stat = provider.StatAsync("a.mp4", cts.Token);
            while (!File.Exists(childPidFile) || File.ReadAllText(childPidFile).Trim().Length == 0)
            {
                Assert.False(stat.IsCompleted, stat.Exception?.ToString() ?? "the stand-in ended by itself");
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
            var child = int.Parse(File.ReadAllText(childPidFile).Trim());
            Assert.True(Tools.ProcessExists(child));
            await cts.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stat);
            var parent = Assert.Single(pids);
            Assert.False(Tools.ProcessExists(parent), "the started process is still there");
            await WaitUntilReapedAsync(child); // the grandchild's parent is gone: init reaps it
            Assert.Contains(logger.Messages, m => m.Contains($"killing rclone lsjson (pid {parent})"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WaitUntilReapedAsync(int pid)
    {
        // A killed orphan can linger as a zombie for a moment until init collects it; a live one stays "S".
        for (var i = 0; i < 200 && Tools.ProcessExists(pid); i++)
        {
            var state = File.Exists($"/proc/{pid}/stat") ? File.ReadAllText($"/proc/{pid}/stat").Split(") ")[^1][0] : 'X';
            Assert.True(state is 'Z' or 'X', $"pid {pid} is alive (state {state}): the process tree was not killed");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    private static void AssertNoRcloneLeft(List<int> pids)
    {
        int[] started;
        lock (pids) started = pids.ToArray();
        Assert.NotEmpty(started);
        Assert.All(started, pid => Assert.False(Tools.ProcessExists(pid), $"rclone pid {pid} is still there"));
        Assert.Empty(Tools.ChildrenNamed("rclone"));
    }
}
