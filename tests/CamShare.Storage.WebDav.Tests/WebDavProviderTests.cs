using System.Diagnostics;
using System.Security.Cryptography;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using CamShare.Storage.WebDav.Tests.Fixtures;
using Xunit;

namespace CamShare.Storage.WebDav.Tests;

/// <summary>WebDAV-specific behaviour checked on every test server (beyond the conformance suite).</summary>
public abstract class WebDavProviderTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IDisposable
    where TFixture : WebDavServerFixture
{
    protected TFixture Fixture { get; } = fixture;
    protected string Prefix { get; } = $"t-{Guid.NewGuid():N}"[..14];
    private readonly List<IDisposable> _providers = [];

    protected WebDavStorageProvider Provider(WebDavStorageOptions? options = null)
    {
        var provider = Fixture.CreateProvider(options ?? Fixture.Options());
        _providers.Add(provider);
        return provider;
    }

    public void Dispose()
    {
        foreach (var p in _providers) p.Dispose();
    }

    protected static CancellationToken Timeout(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    protected static UploadSource Generated(long length, int seed) =>
        UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(new GeneratedStream(length, seed)));

    protected static async Task<string> Md5Async(Stream stream)
    {
        using var md5 = MD5.Create();
        return Convert.ToHexStringLower(await md5.ComputeHashAsync(stream));
    }

    protected async Task<string> RemoteMd5Async(IStorageProvider provider, string key)
    {
        await using var stream = await provider.OpenReadAsync(key, Timeout());
        return await Md5Async(stream);
    }

    protected static async Task<List<StoredObject>> ListAsync(IStorageProvider provider, string prefix)
    {
        var items = new List<StoredObject>();
        await foreach (var item in provider.ListAsync(prefix, Timeout())) items.Add(item);
        return items;
    }

    [Fact]
    public async Task Keys_are_stored_under_their_literal_names_on_the_server()
    {
        var provider = Provider();
        string[] keys =
        [
            Prefix + "/porch cam/20240323T102000+0100.mp4",
            Prefix + "/Gäste-Zimmer/日本 カメラ/a+b=c & d%20e.mp4",
            Prefix + "/with'quote\"/#hash?query;semi,comma[1].mp4",
        ];
        for (var i = 0; i < keys.Length; i++)
        {
            var stored = await provider.PutAsync(keys[i], Generated(5000 + i, 100 + i), null, Timeout());
            Assert.Equal(5000 + i, stored.Size);
        }
        for (var i = 0; i < keys.Length; i++)
        {
            var onDisk = Path.Combine(Fixture.ObjectsOnDisk, keys[i]);
            Assert.True(File.Exists(onDisk), $"expected the file '{onDisk}' on the server");
            await using var file = File.OpenRead(onDisk);
            Assert.Equal(GeneratedStream.Md5Of(5000 + i, 100 + i), await Md5Async(file));
        }
        var leftovers = Directory.EnumerateFiles(Path.Combine(Fixture.ObjectsOnDisk, Prefix), "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).StartsWith('.')).ToList();
        Assert.Empty(leftovers);
        Assert.Equal(keys.Order(StringComparer.Ordinal), (await ListAsync(provider, Prefix + "/")).Select(o => o.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_wrong_password_gives_an_authentication_error_for_every_operation()
    {
        var options = Fixture.Options();
        options.Password = "not the password";
        var provider = Provider(options);
        var key = Prefix + "/denied.mp4";
        var errors = new List<StorageException>
        {
            await Assert.ThrowsAnyAsync<StorageAuthenticationException>(() => provider.PutAsync(key, Generated(100, 1), null, Timeout())),
            await Assert.ThrowsAnyAsync<StorageAuthenticationException>(() => provider.StatAsync(key, Timeout())),
            await Assert.ThrowsAnyAsync<StorageAuthenticationException>(() => provider.DeleteAsync(key, Timeout())),
            await Assert.ThrowsAnyAsync<StorageAuthenticationException>(() => provider.OpenReadAsync(key, Timeout())),
            await Assert.ThrowsAnyAsync<StorageAuthenticationException>(() => ListAsync(provider, Prefix)),
        };
        Assert.All(errors, e => Assert.False(e.IsRetryable));
        Assert.All(errors, e => Assert.DoesNotContain("not the password", e.ToString()));
        Assert.False(Directory.Exists(Path.Combine(Fixture.ObjectsOnDisk, Prefix)));
    }

    [Fact]
    public async Task Folders_deleted_behind_the_cache_are_created_again()
    {
        var provider = Provider();
        var first = Prefix + "/cam/20240323/10/first.mp4";
        var second = Prefix + "/cam/20240323/10/second.mp4";
        await provider.PutAsync(first, Generated(1000, 1), null, Timeout());

        // Someone else (retention, a person) removes the folder tree the provider has cached as existing.
        Directory.Delete(Path.Combine(Fixture.ObjectsOnDisk, Prefix), recursive: true);

        var stored = await provider.PutAsync(second, Generated(2000, 2), null, Timeout());
        Assert.Equal(2000, stored.Size);
        Assert.Equal(GeneratedStream.Md5Of(2000, 2), await RemoteMd5Async(provider, second));
        Assert.Equal([second], (await ListAsync(provider, Prefix + "/")).Select(o => o.Key));
    }

    [Fact]
    public async Task Apache_temporaries_are_never_listed_and_ours_are_listed_as_temporaries()
    {
        var provider = Provider();
        var key = Prefix + "/cam/real.mp4";
        await provider.PutAsync(key, Generated(10, 1), null, Timeout());
        var folder = Path.Combine(Fixture.ObjectsOnDisk, Prefix, "cam");
        var ours = StorageKeys.NameOf(StorageKeys.TemporaryKeyFor("other.mp4"));
        await File.WriteAllTextAsync(Path.Combine(folder, ours), "partial", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, ".davfs.tmp1234"), "apache's own", TestContext.Current.CancellationToken);

        var listed = (await ListAsync(provider, Prefix + "/cam/")).Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
        // nginx leaves every dot name out of its listings: there, ours cannot be listed either.
        Assert.Equal(Fixture.HidesDotNames is null ? [Prefix + "/cam/" + ours, key] : [key], listed);
        Assert.Equal([key], listed.Where(k => !StorageKeys.IsTemporary(k)));
    }

    [Fact]
    public async Task Deleting_a_folder_key_deletes_nothing()
    {
        var provider = Provider();
        var key = Prefix + "/cam/keep.mp4";
        await provider.PutAsync(key, Generated(10, 1), null, Timeout());
        await provider.DeleteAsync(Prefix + "/cam", Timeout());
        Assert.Equal(10, (await provider.StatAsync(key, Timeout())).Size);
        await Assert.ThrowsAnyAsync<StorageNotFoundException>(() => provider.StatAsync(Prefix + "/cam", Timeout()));
    }

    [Fact]
    public async Task A_local_file_is_uploaded_and_left_untouched_with_progress_up_to_the_total()
    {
        var provider = Provider();
        var file = Path.Combine(Path.GetTempPath(), $"camshare-webdav-{Guid.NewGuid():N}.mp4");
        try
        {
            const long length = 3_000_000;
            await using (var output = File.Create(file))
            await using (var input = new GeneratedStream(length, 7))
                await input.CopyToAsync(output, TestContext.Current.CancellationToken);
            var reports = new List<TransferProgress>();
            var progress = new SyncProgress(reports);
            var stored = await provider.PutAsync(Prefix + "/file.mp4", UploadSource.FromFile(file), progress, Timeout());
            Assert.Equal(length, stored.Size);
            Assert.Equal(length, reports[^1].BytesTransferred);
            Assert.Equal(reports.Select(r => r.BytesTransferred).Order(), reports.Select(r => r.BytesTransferred));
            await using (var local = File.OpenRead(file))
                Assert.Equal(GeneratedStream.Md5Of(length, 7), await Md5Async(local));
            Assert.Equal(GeneratedStream.Md5Of(length, 7), await RemoteMd5Async(provider, Prefix + "/file.mp4"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_no_temporary_file_on_the_server()
    {
        var provider = Provider();
        await provider.PutAsync(Prefix + "/cancel/before.mp4", Generated(10, 1), null, Timeout());
        const long length = 8L << 20;
        using var content = new GeneratedStream(length, 2, gateAt: length / 2);
        using var cts = new CancellationTokenSource();
        var put = provider.PutAsync(Prefix + "/cancel/segment.mp4",
            UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(content)), null, cts.Token);
        await Task.WhenAny(content.ReachedGate, put);
        Assert.False(put.IsCompleted);
        await cts.CancelAsync();
        content.Abort();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => put);

        // The server drops its own half-written body when it sees the connection end: wait for that, bounded.
        var folder = Path.Combine(Fixture.ObjectsOnDisk, Prefix, "cancel");
        string[] names = [];
        for (var i = 0; i < 100; i++)
        {
            names = Directory.GetFiles(folder).Select(Path.GetFileName).ToArray()!;
            if (names.Length == 1) break;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Equal(["before.mp4"], names);
    }

    [Fact]
    public async Task Parallel_puts_into_the_same_new_folders_all_succeed()
    {
        var provider = Provider();
        var keys = Enumerable.Range(0, 8).Select(i => $"{Prefix}/cam {i % 2}/20240323/10/{i}.mp4").ToArray();
        await Task.WhenAll(keys.Select((key, i) => provider.PutAsync(key, Generated(50_000 + i, 200 + i), null, Timeout())));
        var listed = await ListAsync(provider, Prefix + "/");
        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Select(o => o.Key).Order(StringComparer.Ordinal));
        for (var i = 0; i < keys.Length; i++)
            Assert.Equal(GeneratedStream.Md5Of(50_000 + i, 200 + i), await RemoteMd5Async(provider, keys[i]));
    }

    [Fact]
    public async Task Without_a_root_folder_keys_live_directly_under_the_base_url()
    {
        var options = Fixture.Options();
        options.RootFolder = null;
        var provider = Provider(options);
        var key = Prefix + "/top level.mp4";
        await provider.PutAsync(key, Generated(321, 4), null, Timeout());
        Assert.True(File.Exists(Path.Combine(Fixture.Data, key)));
        Assert.Equal([key], (await ListAsync(provider, Prefix)).Select(o => o.Key));
        await provider.DeleteAsync(key, Timeout());
        Assert.False(File.Exists(Path.Combine(Fixture.Data, key)));
    }

    [Fact]
    public async Task Diagnostics_report_the_root_folder_and_wrong_credentials()
    {
        var good = await Provider().DiagnoseAsync(Timeout());
        Assert.All(good, r => Assert.True(r.Ok, r.Detail));
        var options = Fixture.Options();
        options.Password = "wrong";
        var bad = await Provider(options).DiagnoseAsync(Timeout());
        Assert.Contains(bad, r => !r.Ok);
    }

    [Fact]
    public async Task Throughput_and_memory_of_a_large_upload_are_reported()
    {
        var provider = Provider();
        const long length = 256L << 20;
        var key = Prefix + "/large.mp4";
        // Warm up the connection and the authentication first.
        await provider.PutAsync(Prefix + "/warm.mp4", Generated(1, 1), null, Timeout());
        var baseline = GC.GetTotalMemory(true);
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false) - baseline);
                try { await Task.Delay(50, stop.Token); } catch (OperationCanceledException) { }
            }
        }, TestContext.Current.CancellationToken);
        var watch = Stopwatch.StartNew();
        var stored = await provider.PutAsync(key, Generated(length, 9), null, Timeout(600));
        watch.Stop();
        stop.Cancel();
        await sampler;
        Assert.Equal(length, stored.Size);
        var line = $"{typeof(TFixture).Name}: {length >> 20} MiB in {watch.Elapsed.TotalSeconds:0.00} s = " +
                   $"{(length / 1048576.0) / watch.Elapsed.TotalSeconds:0} MiB/s (generator included), " +
                   $"managed heap growth peak {peak / 1048576.0:0.0} MiB, process peak RSS {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);
        await provider.DeleteAsync(key, Timeout());
    }

    private sealed class SyncProgress(List<TransferProgress> reports) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value)
        {
            lock (reports) reports.Add(value);
        }
    }
}

public sealed class ApacheWebDavProviderTests(ApacheWebDavFixture fixture) : WebDavProviderTests<ApacheWebDavFixture>(fixture)
{
    [Fact]
    public async Task A_wrong_pinned_fingerprint_is_refused_with_a_clear_tls_error()
    {
        var options = Fixture.Options();
        options.CertificateFingerprint = string.Concat(Enumerable.Repeat("AB:", 31)) + "CD";
        var provider = Provider(options);
        var error = await Assert.ThrowsAnyAsync<StorageConfigurationException>(() =>
            provider.PutAsync(Prefix + "/pinned.mp4", Generated(10, 1), null, Timeout()));
        Assert.Contains("fingerprint", error.Message);
        Assert.Contains(Fixture.CertificateFingerprint, error.Message); // tells the user what the server presented
        Assert.False(Directory.Exists(Path.Combine(Fixture.ObjectsOnDisk, Prefix)));
    }

    [Fact]
    public async Task Certificate_validation_is_on_by_default()
    {
        var options = Fixture.Options();
        options.CertificateFingerprint = null;
        var provider = Provider(options);
        var error = await Assert.ThrowsAnyAsync<StorageConfigurationException>(() => provider.StatAsync(Prefix + "/x.mp4", Timeout()));
        Assert.Contains("not trusted", error.Message);
    }

    [Fact]
    public async Task The_self_signed_certificate_works_as_its_own_ca_file()
    {
        var options = Fixture.Options();
        options.CertificateFingerprint = null;
        options.CaFile = Fixture.CertificateFile;
        var provider = Provider(options);
        await provider.PutAsync(Prefix + "/ca.mp4", Generated(1234, 3), null, Timeout());
        Assert.Equal(GeneratedStream.Md5Of(1234, 3), await RemoteMd5Async(provider, Prefix + "/ca.mp4"));
    }

    [Fact]
    public async Task Forcing_basic_against_a_digest_only_server_is_a_configuration_error()
    {
        var options = Fixture.Options();
        options.Authentication = WebDavAuthentication.Basic;
        var provider = Provider(options);
        var error = await Assert.ThrowsAnyAsync<StorageException>(() => provider.StatAsync(Prefix + "/x.mp4", Timeout()));
        Assert.IsType<StorageConfigurationException>(error);
        Assert.Contains("Digest", error.Message);
    }

    [Fact]
    public async Task Stale_digest_nonces_are_renewed_without_sending_a_body_twice()
    {
        // Apache issues nonces for this folder that go stale after one second.
        var options = Fixture.Options();
        options.RootFolder = "short-nonce";
        options.Authentication = WebDavAuthentication.Digest;
        var provider = Provider(options);
        await provider.PutAsync(Prefix + "/1.mp4", Generated(1000, 1), null, Timeout());
        for (var i = 2; i <= 3; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken); // let the nonce go stale
            var opens = 0;
            var stream = new GeneratedStream(500_000, i);
            var source = UploadSource.FromStream(500_000, _ =>
            {
                Interlocked.Increment(ref opens);
                return ValueTask.FromResult<Stream>(stream); // one-shot: a second send would come up short
            });
            var stored = await provider.PutAsync($"{Prefix}/{i}.mp4", source, null, Timeout());
            Assert.Equal(500_000, stored.Size);
            Assert.Equal(1, opens);
            Assert.Equal(GeneratedStream.Md5Of(500_000, i), await RemoteMd5Async(provider, $"{Prefix}/{i}.mp4"));
        }
    }
}

public sealed class NginxWebDavProviderTests(NginxWebDavFixture fixture) : WebDavProviderTests<NginxWebDavFixture>(fixture)
{
    [Fact]
    public async Task A_ca_file_validates_the_https_listener()
    {
        var options = Fixture.Options();
        options.BaseUrl = Fixture.HttpsBaseUrl;
        options.CaFile = Fixture.CaFile;
        var provider = Provider(options);
        await provider.PutAsync(Prefix + "/tls/ca.mp4", Generated(4321, 5), null, Timeout());
        Assert.Equal(GeneratedStream.Md5Of(4321, 5), await RemoteMd5Async(provider, Prefix + "/tls/ca.mp4"));
    }

    [Fact]
    public async Task A_ca_file_that_did_not_sign_the_certificate_is_refused()
    {
        var folder = Directory.CreateTempSubdirectory("camshare-otherca-").FullName;
        try
        {
            var (otherCa, _) = await TestCertificates.SelfSignedAsync(folder, "other");
            var options = Fixture.Options();
            options.BaseUrl = Fixture.HttpsBaseUrl;
            options.CaFile = otherCa;
            var provider = Provider(options);
            var error = await Assert.ThrowsAnyAsync<StorageConfigurationException>(() =>
                provider.PutAsync(Prefix + "/tls/refused.mp4", Generated(10, 1), null, Timeout()));
            Assert.Contains("caFile", error.Message);
            Assert.False(Directory.Exists(Path.Combine(Fixture.ObjectsOnDisk, Prefix)));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public async Task A_pinned_fingerprint_works_for_a_ca_signed_certificate_too()
    {
        var options = Fixture.Options();
        options.BaseUrl = Fixture.HttpsBaseUrl;
        options.CertificateFingerprint = Fixture.CertificateFingerprint.Replace(":", "").ToLowerInvariant();
        var provider = Provider(options);
        await provider.PutAsync(Prefix + "/tls/pinned.mp4", Generated(999, 6), null, Timeout());
        Assert.Equal(999, (await provider.StatAsync(Prefix + "/tls/pinned.mp4", Timeout())).Size);
    }

    [Fact]
    public async Task Forcing_digest_against_a_basic_only_server_is_a_configuration_error()
    {
        var options = Fixture.Options();
        options.Authentication = WebDavAuthentication.Digest;
        var provider = Provider(options);
        var error = await Assert.ThrowsAnyAsync<StorageException>(() => provider.StatAsync(Prefix + "/x.mp4", Timeout()));
        Assert.IsType<StorageConfigurationException>(error);
        Assert.Contains("Basic", error.Message);
    }
}
