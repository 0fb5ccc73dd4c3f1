using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using CamShare.Storage.Sftp.Tests.Fixtures;
using CamShare.Testing;
using Xunit;
using static CamShare.Storage.Sftp.Tests.TestData;

namespace CamShare.Storage.Sftp.Tests;

/// <summary>The server goes down and comes back (this class has its own sshd): nothing is lost, errors are
/// retryable, and the pooled sessions that died with it are replaced without a failed operation.</summary>
public sealed class ServerDownTests(PasswordSftpFixture fixture) : IClassFixture<PasswordSftpFixture>
{
    [Fact]
    public async Task Nothing_is_lost_when_the_server_goes_down_mid_put()
    {
        using var provider = fixture.Create(fixture.Options());
        var prefix = NewPrefix("down");
        var before = prefix + "cam/before.mp4";
        await provider.PutAsync(before, Generated(1_500_000, 1), null, Timeout());

        const long slowLength = 12L << 20;
        using var slow = new GeneratedStream(slowLength, 2, gateAt: slowLength / 2);
        var inFlight = provider.PutAsync(prefix + "cam/in-flight.mp4",
            UploadSource.FromStream(slowLength, _ => ValueTask.FromResult<Stream>(slow)), null, Timeout());
        await Task.WhenAny(slow.ReachedGate, inFlight);
        Assert.False(inFlight.IsCompleted, inFlight.Exception?.ToString());
        await fixture.Server.StopAsync();
        slow.Release();
        var failed = await Assert.ThrowsAnyAsync<StorageTransientException>(() => inFlight);
        Assert.True(failed.IsRetryable);

        // While it is down: unreachable (connection refused), retryable.
        var down = await Assert.ThrowsAnyAsync<StorageTransientException>(() =>
            provider.PutAsync(prefix + "cam/after.mp4", Generated(2_000_000, 3), null, Timeout()));
        Assert.IsType<StorageUnreachableException>(down);
        await Assert.ThrowsAsync<StorageUnreachableException>(() => provider.StatAsync(before, Timeout()));

        await fixture.Server.StartAgainAsync();
        Assert.Equal(2_000_000, (await provider.PutAsync(prefix + "cam/after.mp4", Generated(2_000_000, 3), null, Timeout())).Size);
        Assert.Equal(GeneratedStream.Md5Of(2_000_000, 3), await Md5OfObjectAsync(provider, prefix + "cam/after.mp4"));
        Assert.Equal(GeneratedStream.Md5Of(1_500_000, 1), await Md5OfObjectAsync(provider, before));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => provider.StatAsync(prefix + "cam/in-flight.mp4", Timeout()));
        // The in-flight put's temporary file was removed once the server was back, or is listed raw for the host's sweep.
        var listed = (await ListAsync(provider, prefix)).Select(o => o.Key).Where(k => !StorageKeys.IsTemporary(k));
        Assert.Equal([prefix + "cam/after.mp4", before], listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Sessions_idle_in_the_pool_when_the_server_restarts_are_replaced_transparently()
    {
        using var provider = fixture.Create(fixture.Options());
        var prefix = NewPrefix("restart");
        await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            provider.PutAsync(prefix + $"warm-{i}.mp4", Generated(100_000, 10 + i), null, Timeout())));
        await fixture.Server.StopAsync();
        await fixture.Server.StartAgainAsync();

        // Every pooled session is dead now; each operation still succeeds at the first call.
        Assert.Equal(100_000, (await provider.StatAsync(prefix + "warm-0.mp4", Timeout())).Size);
        Assert.Equal(3, (await ListAsync(provider, prefix)).Count);
        await provider.PutAsync(prefix + "warm-0.mp4", Generated(200_000, 20), null, Timeout());
        Assert.Equal(GeneratedStream.Md5Of(200_000, 20), await Md5OfObjectAsync(provider, prefix + "warm-0.mp4"));
        await provider.DeleteAsync(prefix + "warm-1.mp4", Timeout());
        Assert.Equal(2, (await ListAsync(provider, prefix)).Count);
    }
}

/// <summary>The session pool and the folder cache against the real server.</summary>
public sealed class PoolAndFolderTests(PasswordSftpFixture fixture) : IClassFixture<PasswordSftpFixture>
{
    private static int AcceptedLogins(OpenSshServer server) =>
        server.Log.Split('\n').Count(l => l.Contains($"Accepted password for {OpenSshServer.User}", StringComparison.Ordinal));

    [Fact]
    public async Task Concurrent_puts_share_a_few_sessions_and_all_arrive()
    {
        var options = fixture.Options();
        options.MaxConnections = 2;
        using var provider = fixture.Create(options);
        var prefix = NewPrefix("pool");
        var loginsBefore = AcceptedLogins(fixture.Server);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            provider.PutAsync(prefix + $"cam/{i % 3}/segment-{i}.mp4", Generated(300_000 + i, 30 + i), null, Timeout())));
        for (var i = 0; i < 10; i++)
            Assert.Equal(GeneratedStream.Md5Of(300_000 + i, 30 + i), await Md5OfObjectAsync(provider, prefix + $"cam/{i % 3}/segment-{i}.mp4"));
        Assert.Equal(10, (await ListAsync(provider, prefix)).Count);
        await Task.Delay(200, TestContext.Current.CancellationToken); // sshd logs the login after answering it
        Assert.InRange(AcceptedLogins(fixture.Server) - loginsBefore, 1, 2); // at most MaxConnections sessions, reused
    }

    [Fact]
    public async Task A_folder_removed_behind_the_cache_is_created_again()
    {
        using var provider = fixture.Create(fixture.Options());
        var prefix = NewPrefix("vanish");
        await provider.PutAsync(prefix + "cam/20240323/10/a.mp4", Generated(1000, 40), null, Timeout());
        Directory.Delete(fixture.OnDisk(prefix.TrimEnd('/')), recursive: true); // retention or a person, elsewhere

        await provider.PutAsync(prefix + "cam/20240323/10/b.mp4", Generated(2000, 41), null, Timeout());
        Assert.Equal(GeneratedStream.Md5Of(2000, 41), await Md5OfObjectAsync(provider, prefix + "cam/20240323/10/b.mp4"));
        Assert.Equal([prefix + "cam/20240323/10/b.mp4"], (await ListAsync(provider, prefix)).Select(o => o.Key));
    }

    [Fact]
    public async Task Folder_cleanup_removes_only_empty_folders_and_forgets_them()
    {
        using var provider = fixture.Create(fixture.Options());
        var prefix = NewPrefix("cleanup");
        await provider.PutAsync(prefix + "cam/10/a.mp4", Generated(10, 50), null, Timeout());
        await provider.DeleteAsync(prefix + "cam/10/a.mp4", Timeout());
        await provider.RemoveFolderIfEmptyAsync(prefix + "cam/10", Timeout());
        await provider.RemoveFolderIfEmptyAsync(prefix + "cam", Timeout());
        Assert.False(Directory.Exists(fixture.OnDisk(prefix + "cam")));
        await provider.RemoveFolderIfEmptyAsync("", Timeout()); // never the root
        Assert.True(Directory.Exists(fixture.RootFolder));
        await provider.PutAsync(prefix + "cam/10/b.mp4", Generated(20, 51), null, Timeout()); // not cached any more
        Assert.Equal(20, (await provider.StatAsync(prefix + "cam/10/b.mp4", Timeout())).Size);
    }

    [Fact]
    public async Task The_temporary_file_is_a_contract_temporary_in_the_target_folder()
    {
        using var provider = fixture.Create(fixture.Options());
        var prefix = NewPrefix("temp");
        const long length = 8L << 20;
        using var content = new GeneratedStream(length, 60, gateAt: length / 2);
        var put = provider.PutAsync(prefix + "cam/segment.mp4",
            UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(content)), null, Timeout());
        await Task.WhenAny(content.ReachedGate, put);
        var names = Directory.GetFiles(fixture.OnDisk(prefix + "cam")).Select(Path.GetFileName).ToList();
        content.Release();
        await put;
        var name = Assert.Single(names)!;
        Assert.True(StorageKeys.IsTemporary(name), name);
        Assert.EndsWith("segment.mp4", name, StringComparison.Ordinal);
        Assert.Equal(["segment.mp4"], Directory.GetFiles(fixture.OnDisk(prefix + "cam")).Select(Path.GetFileName));
    }
}

/// <summary>The server hangs (SIGSTOP, connections open) during a put: the put ends with a retryable timeout instead
/// of hanging, and after the server goes on everything works again.</summary>
public sealed class FrozenServerTests(PasswordSftpFixture fixture) : IClassFixture<PasswordSftpFixture>
{
    [Fact]
    public async Task A_hung_server_times_out_retryably_and_works_after_it_resumes()
    {
        var options = fixture.Options();
        options.OperationTimeoutSeconds = 3;
        options.ConnectTimeoutSeconds = 3;
        using var provider = fixture.Create(options);
        var prefix = NewPrefix("frozen");
        const long length = 64L << 20;
        using var content = new GeneratedStream(length, 80, gateAt: 4L << 20);
        var put = provider.PutAsync(prefix + "hung.mp4", UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(content)),
            null, Timeout(120));
        await Task.WhenAny(content.ReachedGate, put);
        fixture.Server.Freeze();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            content.Release();
            // Bounded: a put that hangs on the frozen server fails this test instead of stalling the run.
            var error = await Assert.ThrowsAnyAsync<StorageTransientException>(() => put.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken));
            TestContext.Current.TestOutputHelper?.WriteLine($"after {clock.Elapsed.TotalSeconds:0.0} s: {error.GetType().Name}: {error.Message}");
            Assert.True(error.IsRetryable);
        }
        finally
        {
            fixture.Server.Thaw();
        }
        await provider.PutAsync(prefix + "after.mp4", Generated(1_000_000, 81), null, Timeout());
        Assert.Equal(GeneratedStream.Md5Of(1_000_000, 81), await Md5OfObjectAsync(provider, prefix + "after.mp4"));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => provider.StatAsync(prefix + "hung.mp4", Timeout()));
    }
}
