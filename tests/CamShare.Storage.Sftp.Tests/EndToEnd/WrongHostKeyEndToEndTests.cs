using CamShare.Storage.Sftp.Tests.Fixtures;
using CamShare.Testing;
using Xunit;

namespace CamShare.Storage.Sftp.Tests.EndToEnd;

/// <summary>camshare run pinned to another host key: a clear error that shows the key the server sent, no upload,
/// every segment kept in the spool, no retry storm.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class WrongHostKeyEndToEndTests(PasswordSftpFixture server) : IClassFixture<PasswordSftpFixture>
{
    [Fact(Timeout = 120_000)]
    public async Task A_wrong_host_key_keeps_segments_and_names_the_seen_fingerprint()
    {
        var other = (await OpenSshServer.RunAsync("ssh-keygen", "-lf", server.Server.UnauthorizedKeyPath + ".pub")).Split(' ')[1];
        await using var run = await SftpEndToEndRun.StartAsync(server, hostKeyFingerprint: other);
        bool IsHostKeyError(string l) => l.Contains("Destination 'nas'", StringComparison.Ordinal) &&
                                         l.Contains(server.Server.HostKeyFingerprint, StringComparison.Ordinal);
        await run.CamShare.WaitForLinesAsync(IsHostKeyError, 1, TimeSpan.FromSeconds(60), "the host key error");
        var closedAtError = run.Closed.Count;
        await run.CamShare.WaitForLinesAsync(SftpEndToEndRun.IsClosed, closedAtError + 2, TimeSpan.FromSeconds(30), "two more segments");
        await run.StopAsync();

        var error = Assert.Single(run.CamShare.Matching(IsHostKeyError)); // reported once, not retried in a loop
        Assert.Contains(other, error.Text, StringComparison.Ordinal);
        Assert.Empty(run.Uploaded);
        Assert.All(run.Closed, f => Assert.True(File.Exists(Path.Combine(run.RecFolder, f)), $"{f} left the spool"));
        Assert.Empty(Directory.Exists(server.RootFolder) ? Directory.EnumerateFileSystemEntries(server.RootFolder) : []);
        run.AssertNoSecrets(server);
    }
}
