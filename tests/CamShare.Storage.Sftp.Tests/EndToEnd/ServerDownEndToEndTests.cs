using System.Globalization;
using CamShare.Storage.Sftp.Tests.Fixtures;
using Xunit;

namespace CamShare.Storage.Sftp.Tests.EndToEnd;

/// <summary>camera → `camshare run` → SFTP; the sshd dies (SIGKILL, sessions included) while camshare records, and
/// comes back on the same port, key and data: every segment arrives, once, MD5-equal to the recorded file.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ServerDownEndToEndTests(KeySftpFixture server) : IClassFixture<KeySftpFixture>
{
    [Fact(Timeout = 150_000)]
    public async Task Sshd_down_mid_run_every_segment_arrives_md5_equal()
    {
        var log = TestContext.Current.TestOutputHelper;
        await using var run = await SftpEndToEndRun.StartAsync(server);
        try
        {
            await run.CamShare.WaitForLinesAsync(SftpEndToEndRun.IsUploaded, 1, TimeSpan.FromSeconds(60), "a first upload");
            await server.Server.StopAsync();
            var closedBeforeKill = run.Closed.Count;

            await run.CamShare.WaitForLinesAsync(SftpEndToEndRun.IsClosed, closedBeforeKill + 3, TimeSpan.FromSeconds(30),
                "3 segments closed while the server is down");
            await Task.Delay(500, TestContext.Current.CancellationToken); // an upload finishing at the kill may still log
            var whileDown = run.Closed.Skip(closedBeforeKill + 1).ToList();
            Assert.DoesNotContain(run.Uploaded, k => whileDown.Any(f => k.EndsWith("/" + f, StringComparison.Ordinal)));
            Assert.NotEmpty(run.CamShare.Matching(l => l.Contains("→ nas: upload of", StringComparison.Ordinal) &&
                                                       l.Contains("failed", StringComparison.Ordinal)));

            await server.Server.StartAgainAsync();
            var returned = run.CamShare.Elapsed;
            var backlog = run.Closed;
            await run.CamShare.WaitUntilAsync(() => backlog.All(f => run.Uploaded.Any(k => k.EndsWith("/" + f, StringComparison.Ordinal))),
                TimeSpan.FromSeconds(90), "the backlog uploaded after the server's return");
            log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"backlog of {backlog.Count - closedBeforeKill} segment(s) uploaded within {(run.CamShare.Elapsed - returned).TotalSeconds:0.0} s of the server's return"));

            await run.StopAsync();
            var closed = run.Closed;
            Assert.True(closed.Count >= closedBeforeKill + 4, $"{closed.Count} segments closed");
            Assert.Equal(run.Uploaded.Count, run.Uploaded.Distinct().Count()); // each once
            await run.AssertEverySegmentArrivedIntactAsync(server, closed);
            run.AssertNoSecrets(server);
        }
        finally
        {
            if (!server.Server.IsRunning) await server.Server.StartAgainAsync();
        }
    }
}
