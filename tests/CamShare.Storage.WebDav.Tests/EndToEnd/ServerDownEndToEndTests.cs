using System.Globalization;
using CamShare.Storage.WebDav.Tests.Fixtures;
using Xunit;

namespace CamShare.Storage.WebDav.Tests.EndToEnd;

/// <summary>The WebDAV server dies (SIGKILL) while camshare records, and comes back on the same port and data.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ServerDownEndToEndTests(NginxWebDavFixture server) : IClassFixture<NginxWebDavFixture>
{
    [Fact(Timeout = 150_000)]
    public async Task Server_down_mid_run_nothing_is_lost()
    {
        var log = TestContext.Current.TestOutputHelper;
        await using var run = await EndToEndRun.StartAsync(server, "basic");
        try
        {
            await run.WaitForUploadsAsync(1, TimeSpan.FromSeconds(60));
            KillServer(server);
            var closedBeforeKill = run.Closed.Count;

            // camshare keeps recording through three segments while the server is down; they wait in the spool.
            await run.CamShare.WaitForLinesAsync(EndToEndRun.IsClosed, closedBeforeKill + 3, TimeSpan.FromSeconds(30),
                "3 segments closed while the server is down");
            var whileDown = run.Closed.Skip(closedBeforeKill).Select(c => c.File).ToList();
            var spool = Directory.EnumerateFiles(run.RecFolder).Select(Path.GetFileName).ToList();
            Assert.All(whileDown, f => Assert.Contains(f, spool));
            Assert.DoesNotContain(run.Uploaded, u => whileDown.Any(f => u.Key.EndsWith("/" + f, StringComparison.Ordinal)));
            Assert.NotEmpty(run.CamShare.Matching(l => l.Contains("→ dav: upload of", StringComparison.Ordinal) &&
                                                       l.Contains("failed", StringComparison.Ordinal) && l.Contains("retry", StringComparison.Ordinal)));

            await server.StartServerAsync();
            var returned = run.CamShare.Elapsed;
            var backlog = run.Closed.Select(c => c.File).ToList();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!backlog.All(f => run.Uploaded.Any(u => u.Key.EndsWith("/" + f, StringComparison.Ordinal))))
            {
                Assert.True(DateTime.UtcNow < deadline, $"the backlog was not uploaded within 60 s of the server's return:\n{run.CamShare.Output}");
                Assert.False(run.CamShare.HasExited, run.CamShare.Output);
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
            var lastBacklogUpload = run.Uploaded.Where(u => backlog.Any(f => u.Key.EndsWith("/" + f, StringComparison.Ordinal))).Max(u => u.At);
            log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"backlog of {whileDown.Count + 0} segment(s) uploaded {(lastBacklogUpload - returned).TotalSeconds:0.0} s after the server returned"));

            await run.StopAsync();
            var closed = run.Closed.Select(c => c.File).ToList();
            Assert.True(closed.Count >= closedBeforeKill + 4, $"{closed.Count} segments closed");
            await run.AssertServerHoldsExactlyAsync(closed); // every segment, once, playable, no gap
            run.AssertSpoolEmpty();
            run.AssertNoSecrets();
            run.AssertCleanLog();
        }
        finally
        {
            if (!server.IsServerRunning) await server.StartServerAsync();
        }
    }

    /// <summary>A crash of the whole server: SIGKILL to nginx's master and its workers (by PID).</summary>
    private static void KillServer(NginxWebDavFixture server)
    {
        var master = int.Parse(File.ReadAllText(Path.Combine(server.Base, "nginx.pid")).Trim(), CultureInfo.InvariantCulture);
        var workers = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ParentOf(pid) == master).ToList();
        Assert.NotEmpty(workers);
        foreach (var pid in workers.Prepend(master))
            try { using var p = System.Diagnostics.Process.GetProcessById(pid); p.Kill(); } catch (ArgumentException) { }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (server.IsServerRunning || workers.Any(w => Directory.Exists($"/proc/{w}")))
        {
            Assert.True(DateTime.UtcNow < deadline, "nginx did not die");
            Thread.Sleep(50);
        }
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
            return line is null ? 0 : int.Parse(line[5..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
