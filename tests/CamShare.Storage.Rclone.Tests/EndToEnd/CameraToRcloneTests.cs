using CamShare.Testing;
using Xunit;
using static CamShare.Storage.Rclone.Tests.EndToEnd.EndToEndSetup;

namespace CamShare.Storage.Rclone.Tests.EndToEnd;

/// <summary>
/// Camera → `camshare run` → rclone remotes, with real parts only: the RTSP camera simulator, the built camshare
/// executable (which loads the rclone plugin from artifacts/plugins), Debian's rclone, and an OpenSSH sshd.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CameraToRcloneTests
{
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact(Timeout = 120_000)]
    public async Task Camera_to_local_and_sftp_remotes_every_segment_arrives_complete_and_playable()
    {
        await using var setup = await CreateAsync();
        await using var local = new LocalRemoteFixture();
        await local.InitializeAsync();
        await using var sftp = new SftpRemoteFixture();
        await sftp.InitializeAsync();
        var sftpOptions = sftp.Options();
        setup.WriteConfig(setup.Storage("local", local.Options()), setup.Storage("sftp", sftpOptions));

        await using var run = setup.StartCamshare();
        await run.WaitForAsync(r => r.Uploads("local").Count >= 3 && r.Uploads("sftp").Count >= 3, "three segments verified on both remotes", 90);
        await run.StopAsync();
        var output = run.Output;
        Output?.WriteLine(output);
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{output}");

        AssertRclonePluginLoaded(output);
        Assert.Contains("recording 1 camera(s) to 2 destination(s)", output);
        var closed = CamshareRun.ClosedIn(output);
        foreach (var (name, root) in new[] { ("local", local.Root), ("sftp", sftp.DataRoot) })
        {
            var uploads = CamshareRun.UploadsIn(output, name);
            Assert.Equal(uploads.Count, uploads.Distinct().Count());
            // Every closed segment reached every destination (the graceful stop drains the queues), nothing else did.
            Assert.Equal(closed.Select(KeyOf).Order(StringComparer.Ordinal), uploads.Order(StringComparer.Ordinal));
            Assert.Equal(uploads.Order(StringComparer.Ordinal), Objects(root));
            Assert.Empty(Partials(root));
        }
        var keys = Objects(local.Root);
        Assert.True(keys.Count >= 3, $"{keys.Count} objects");
        foreach (var key in keys)
            Assert.Equal(Md5(Path.Combine(local.Root, key)), Md5(Path.Combine(sftp.DataRoot, key)));
        Assert.True(setup.SpooledSegments().Count == 0, setup.SpoolEvidence());
        var facts = await AssertPlayableSeriesAsync(local.Root, keys, setup.SpoolEvidence);
        foreach (var f in facts) Output?.WriteLine($"{f.Key}: {f.Duration:0.000} s, {f.Size} bytes");

        Assert.Equal(closed.Count, CamshareRun.LinesContaining(output, "local file removed (all 2 destination(s) verified)").Count);
        // The sftp secrets (key and known_hosts paths) and the rclone config password never show.
        setup.AssertNoSecrets(output, sftpOptions.Environment["RCLONE_CONFIG_CSSFTP_KEY_FILE"],
            sftpOptions.Environment["RCLONE_CONFIG_CSSFTP_KNOWN_HOSTS_FILE"]);
        Assert.Empty(RcloneProcessesMentioning(local.Root));
        Assert.Empty(RcloneProcessesMentioning(sftp.DataRoot));
    }

    [Fact(Timeout = 150_000)]
    public async Task Sftp_server_down_mid_run_nothing_is_lost()
    {
        await using var setup = await CreateAsync();
        await using var sftp = new SftpRemoteFixture();
        await sftp.InitializeAsync();
        // Quick failures while the server is down: one low-level try, a short connect timeout.
        setup.WriteConfig(setup.Storage("sftp", sftp.Options(o => o.ExtraFlags = ["--low-level-retries", "1", "--contimeout", "2s"])));

        await using var run = setup.StartCamshare();
        await run.WaitForAsync(r => r.Uploads("sftp").Count >= 1, "a first upload");
        await sftp.StopServerAsync(); // SIGKILL of sshd and its sessions: the server is gone
        var closedBeforeOutage = run.Closed().Count;
        await Task.Delay(1000, TestContext.Current.CancellationToken); // an upload that completed just before the kill may still be logging its line
        var uploadsBeforeOutage = run.Uploads("sftp").Count;
        await run.WaitForAsync(r => r.Closed().Count >= closedBeforeOutage + 3, "three segments closed while the server is down");

        // Segments closed during the outage wait in the spool; failures are reported and retried.
        var duringOutage = run.Closed().Skip(closedBeforeOutage).ToList();
        var spooled = setup.SpooledSegments();
        foreach (var name in duringOutage)
        {
            Assert.Contains(name, spooled);
            Assert.DoesNotContain(KeyOf(name), run.Uploads("sftp"));
        }
        Assert.Equal(uploadsBeforeOutage, run.Uploads("sftp").Count);
        Assert.Contains("upload of ", run.Output);
        Assert.Empty(Objects(sftp.DataRoot).Intersect(duringOutage.Select(KeyOf)));

        await sftp.StartServerAsync(); // same port, host key, users and data
        await run.WaitForAsync(r => r.Closed().Select(KeyOf).All(r.Uploads("sftp").Contains), "the backlog uploaded", 90);
        await run.StopAsync();
        var output = run.Output;
        Output?.WriteLine(output);
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{output}");

        AssertRclonePluginLoaded(output);
        var closed = CamshareRun.ClosedIn(output);
        var uploads = CamshareRun.UploadsIn(output, "sftp");
        Assert.Equal(uploads.Count, uploads.Distinct().Count()); // exactly once
        Assert.Equal(closed.Select(KeyOf).Order(StringComparer.Ordinal), uploads.Order(StringComparer.Ordinal));
        Assert.Equal(uploads.Order(StringComparer.Ordinal), Objects(sftp.DataRoot));
        Assert.True(setup.SpooledSegments().Count == 0, setup.SpoolEvidence());
        await AssertPlayableSeriesAsync(sftp.DataRoot, uploads, setup.SpoolEvidence);
        setup.AssertNoSecrets(output);
        Output?.WriteLine($"closed during the outage: {duringOutage.Count}; failed attempts logged: " +
                          $"{CamshareRun.LinesContaining(output, "upload of ").Count}; temporary objects left by killed sessions: {Partials(sftp.DataRoot).Count}");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_remote_missing_from_the_rclone_config_keeps_segments_and_says_so()
    {
        await using var setup = await CreateAsync();
        await using var local = new LocalRemoteFixture();
        await local.InitializeAsync();
        // A real config with one remote (cslocal), but the storage names another one.
        const string missing = "nosuchremote";
        setup.WriteConfig(setup.Storage("nas", local.Options(o => o.Remote = $"{missing}:cameras")));

        var check = await CamShareCli.RunAsync(["check", "--config", setup.ConfigFile], setup.Environment);
        var checkOutput = check.StandardOutput + check.StandardError;
        Output?.WriteLine(checkOutput);
        Assert.True(check.ExitCode == 1, $"check exit code {check.ExitCode}:\n{checkOutput}");
        Assert.Contains(CamshareRun.LinesContaining(checkOutput, "FAIL"), l => l.Contains($"'{missing}'", StringComparison.Ordinal));
        Assert.Contains(CamshareRun.LinesContaining(checkOutput, "ok    camera"), l => l.Contains(Camera, StringComparison.Ordinal));
        AssertRclonePluginLoaded(checkOutput);
        AssertNoStackTrace(checkOutput);
        setup.AssertNoSecrets(checkOutput);

        await using var run = setup.StartCamshare();
        await run.WaitForAsync(r => r.Closed().Count >= 3 && r.Output.Contains("storage is misconfigured"), "three segments closed and the configuration error");
        // Every closed segment is still in the spool while the destination is misconfigured.
        Assert.Empty(run.Closed().Except(setup.SpooledSegments()));
        await run.StopAsync();
        var output = run.Output;
        Output?.WriteLine(output);
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{output}");

        AssertRclonePluginLoaded(output);
        var errors = CamshareRun.LinesContaining(output, "Destination 'nas'");
        Assert.Single(errors); // paused for a minute: one line, not one per segment or per retry
        Assert.Contains("storage is misconfigured", errors[0]);
        Assert.Contains(missing, errors[0]);
        AssertNoStackTrace(output);
        Assert.Empty(CamshareRun.UploadsIn(output, "nas"));
        Assert.Empty(CamshareRun.LinesContaining(output, "local file removed"));
        var closed = CamshareRun.ClosedIn(output);
        Assert.True(closed.Count >= 3);
        Assert.Equal(closed.Order(StringComparer.Ordinal), setup.SpooledSegments()); // none deleted, the last one too
        Assert.Contains($"stopped; {closed.Count} segment(s) wait in the spool", output);
        Assert.Empty(Objects(local.Root));
        setup.AssertNoSecrets(output);
    }

    [Fact(Timeout = 150_000)]
    public async Task Stopping_camshare_mid_upload_leaves_no_rclone_process()
    {
        await using var setup = await CreateAsync();
        await using var local = new LocalRemoteFixture();
        await local.InitializeAsync();
        var remoteRoot = Path.Combine(setup.Root, "remote");
        Directory.CreateDirectory(remoteRoot);
        // 1 KiB/s: a full 3-second segment (about 55 KB) needs close to a minute, far longer than camshare's stop may
        // take (up to 10 s for ffmpeg to finish its segment plus 10 s of upload grace; docs: TimeoutStopSec=30).
        var slow = local.Options(o => { o.Remote = $"{LocalRemoteFixture.RemoteName}:{remoteRoot}"; o.BandwidthLimit = "1k"; });
        setup.WriteConfig(setup.Storage("nas", slow));

        await using var first = setup.StartCamshare();
        // The second segment is a full one (the first may be short): wait until its upload is running.
        await first.WaitForAsync(r => r.Closed() is { Count: >= 2 } closed && RcloneProcessesMentioning(setup.Root)
                .Any(p => p.CommandLine.Contains(" copyto ", StringComparison.Ordinal) && p.CommandLine.Contains(closed[1], StringComparison.Ordinal)),
            "the upload of a full segment in flight");
        var fullSegment = first.Closed()[1];
        var inFlight = RcloneProcessesMentioning(setup.Root);
        Output?.WriteLine("in flight at SIGTERM: " + string.Join("\n", inFlight.Select(p => $"{p.Pid}: {p.CommandLine}")));
        // A stop that waited for the slow upload instead of cancelling it would be SIGKILLed here (exit code 137).
        await first.StopAsync(graceSeconds: 30);
        var firstOutput = first.Output;
        Output?.WriteLine(firstOutput);
        Assert.True(first.ExitCode == 0, $"exit code {first.ExitCode}:\n{firstOutput}");
        Assert.Contains("is still uploading", firstOutput); // cancelled at the end of the stop grace

        var left = RcloneProcessesMentioning(setup.Root);
        Assert.True(left.Count == 0, "rclone processes left: " + string.Join("\n", left.Select(p => $"{p.Pid}: {p.CommandLine}")));
        foreach (var (pid, _) in inFlight) Assert.False(Directory.Exists($"/proc/{pid}"), $"rclone {pid} still exists (zombie?)");
        AssertRclonePluginLoaded(firstOutput);

        var closedFirst = CamshareRun.ClosedIn(firstOutput);
        var uploadedFirst = CamshareRun.UploadsIn(firstOutput, "nas");
        var pending = closedFirst.Where(n => !uploadedFirst.Contains(KeyOf(n))).ToList();
        Assert.Contains(fullSegment, pending); // its upload was cancelled, not completed
        Assert.Equal(pending.Order(StringComparer.Ordinal), setup.SpooledSegments());
        Assert.Equal(uploadedFirst.Order(StringComparer.Ordinal), Objects(remoteRoot));
        var partialsAfterStop = Partials(remoteRoot);
        Assert.True(partialsAfterStop.Count == 0, "temporary objects left by the cancelled upload: " + string.Join(", ", partialsAfterStop));

        // Next run, without the bandwidth limit: the pending segments are delivered, each once.
        setup.WriteConfig(setup.Storage("nas", local.Options(o => o.Remote = slow.Remote)));
        await using var second = setup.StartCamshare();
        await second.WaitForAsync(r => pending.Select(KeyOf).All(r.Uploads("nas").Contains), "the pending segments delivered");
        await second.StopAsync();
        var secondOutput = second.Output;
        Output?.WriteLine(secondOutput);
        Assert.True(second.ExitCode == 0, $"exit code {second.ExitCode}:\n{secondOutput}");
        Assert.Contains($"resuming {pending.Count} segment(s)", secondOutput);

        var all = firstOutput + secondOutput;
        var uploads = CamshareRun.UploadsIn(all, "nas");
        Assert.Equal(uploads.Count, uploads.Distinct().Count()); // exactly once across both runs
        Assert.Equal(CamshareRun.ClosedIn(all).Select(KeyOf).Order(StringComparer.Ordinal), uploads.Order(StringComparer.Ordinal));
        Assert.Equal(uploads.Order(StringComparer.Ordinal), Objects(remoteRoot));
        Assert.Empty(Partials(remoteRoot));
        foreach (var key in uploads)
        {
            var media = await MediaFacts.ProbeAsync(Path.Combine(remoteRoot, key));
            Assert.True(media.Has("h264") && media.Has("aac") && media.DecodeErrors.Length == 0, $"{key}: {string.Join(",", media.Codecs)} {media.DecodeErrors}");
        }
        Assert.Empty(setup.SpooledSegments());
        Assert.Empty(RcloneProcessesMentioning(setup.Root));
        setup.AssertNoSecrets(all);
    }
}
