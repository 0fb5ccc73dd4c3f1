using CamShare.Storage.WebDav.Tests.Fixtures;
using Xunit;

namespace CamShare.Storage.WebDav.Tests.EndToEnd;

/// <summary>camshare run with a wrong WebDAV password: one clear error, every segment kept, no secret in the log.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class WrongPasswordEndToEndTests(ApacheWebDavFixture server) : IClassFixture<ApacheWebDavFixture>
{
    private const string WrongPassword = "wr0ng:p@ss/wörd%";

    [Fact(Timeout = 120_000)]
    public async Task A_wrong_password_keeps_segments_and_reports_an_auth_error()
    {
        await using var run = await EndToEndRun.StartAsync(server, "digest", davPassword: WrongPassword);
        static bool IsAuthError(string l) => l.Contains("Destination 'dav': authentication failed", StringComparison.Ordinal);
        await run.CamShare.WaitForLinesAsync(IsAuthError, 1, TimeSpan.FromSeconds(60), "the authentication error");
        var closedAtError = run.Closed.Count;
        await run.CamShare.WaitForLinesAsync(EndToEndRun.IsClosed, closedAtError + 2, TimeSpan.FromSeconds(30), "two more segments");

        var closed = run.Closed.Select(c => c.File).ToList();
        Assert.All(closed, f => Assert.True(File.Exists(Path.Combine(run.RecFolder, f)), $"{f} left the spool"));
        var code = await run.CamShare.StopAsync();
        Assert.True(code == 0, $"camshare exited with {code}:\n{run.CamShare.Output}");

        var errors = run.CamShare.Matching(IsAuthError);
        Assert.Single(errors); // at most one per minute per destination, and no retry loop
        Assert.Contains("fail:", errors[0].Text, StringComparison.Ordinal);
        Assert.Contains("segments are kept", errors[0].Text, StringComparison.Ordinal);
        closed = run.Closed.Select(c => c.File).ToList(); // with the one finalised at the stop
        Assert.All(closed, f => Assert.True(File.Exists(Path.Combine(run.RecFolder, f)), $"{f} left the spool"));
        Assert.Equal(closed.Order(StringComparer.Ordinal),
            run.LiveJournalEntries().Select(s => s.Added.File).Order(StringComparer.Ordinal)); // all still to upload
        Assert.Contains($"CamShare: stopped; {closed.Count} segment(s) wait in the spool", run.CamShare.Output, StringComparison.Ordinal);
        Assert.Empty(run.Uploaded);
        // No retry loop against the server either: a handful of requests (Digest challenge and answer), not hundreds.
        var requests = File.ReadAllLines(Path.Combine(server.Base, "logs", "access.log"));
        TestContext.Current.TestOutputHelper?.WriteLine($"requests seen by Apache:\n{string.Join('\n', requests)}");
        Assert.InRange(requests.Length, 1, 8);
        Assert.All(requests, r => Assert.Contains(" 401 ", r, StringComparison.Ordinal));
        Assert.Empty(run.CamShare.Matching(l => l.Contains("local file removed", StringComparison.Ordinal) ||
                                                l.Contains("dropped", StringComparison.Ordinal)));
        Assert.Empty(await run.ListAsync());
        run.AssertNoTemporaryFilesOnServer();
        run.AssertNoSecrets();
        run.AssertCleanLog();
    }
}
