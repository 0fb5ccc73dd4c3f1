using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CamShare.Storage.S3.Tests;

/// <summary>S3-specific behaviour against a real s3rver: multipart, verification, share links, errors, prefix.</summary>
public sealed class S3ProviderTests(S3ServerFixture fixture, ITestOutputHelper output) : IClassFixture<S3ServerFixture>, IAsyncLifetime
{
    private readonly string _prefix = $"s3-{Guid.NewGuid():N}"[..15] + "/";
    private readonly List<S3StorageProvider> _providers = [];

    private S3StorageProvider Provider => _provider ??= Track(S3ServerFixture.Create(fixture.Options()));
    private S3StorageProvider? _provider;

    private static CancellationToken Timeout(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private S3StorageProvider Track(S3StorageProvider provider)
    {
        _providers.Add(provider);
        return provider;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await foreach (var item in Provider.ListAsync(_prefix, Timeout()))
            await Provider.DeleteAsync(item.Key, Timeout());
        foreach (var provider in _providers) await provider.DisposeAsync();
    }

    [Fact]
    public async Task A_segment_above_the_threshold_goes_multipart_and_round_trips_byte_equal()
    {
        const long length = (23L << 20) + 12_345; // 5 parts of 5 MiB, the last one short
        var key = _prefix + "porch/20240323/10/20240323T102000+0100.mp4";
        var progress = new List<TransferProgress>();
        var clock = Stopwatch.StartNew();
        var stored = await Provider.PutAsync(key, UploadSource.FromStream(length,
            _ => ValueTask.FromResult<Stream>(new GeneratedStream(length, seed: 101))),
            new SynchronousProgress(p => { lock (progress) progress.Add(p); }), Timeout());
        clock.Stop();
        output.WriteLine($"multipart put of {length >> 20} MiB: {length / 1048576.0 / clock.Elapsed.TotalSeconds:0.0} MiB/s");

        var expected = GeneratedStream.Md5Of(length, 101);
        Assert.Equal(length, stored.Size);
        Assert.Equal(expected, await Md5OfObjectAsync(key));
        // s3rver's multipart ETag is the whole-object MD5, so the provider may (and does) report it.
        Assert.Equal(expected, stored.FindChecksum(ChecksumAlgorithms.Md5)?.Hex);
        Assert.Equal(length, progress[^1].BytesTransferred);
        Assert.All(progress, p => Assert.Equal(length, p.TotalBytes));
        Assert.True(progress.Count > 5, $"only {progress.Count} progress reports for a 5-part upload");
    }

    [Fact]
    public async Task A_64_MiB_upload_holds_no_more_than_its_part_buffers()
    {
        const long length = 64L << 20;
        var key = _prefix + "large/64mib.mp4";
        long peak = 0;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - baseline);
                try { await Task.Delay(20, sampling.Token); } catch (OperationCanceledException) { }
            }
        }, TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();
        try
        {
            await Provider.PutAsync(key, UploadSource.FromStream(length,
                _ => ValueTask.FromResult<Stream>(new GeneratedStream(length, seed: 109))), null, Timeout(600));
        }
        finally
        {
            clock.Stop();
            await sampling.CancelAsync();
            await sampler;
        }
        output.WriteLine($"64 MiB in {S3ServerFixture.PartSizeMiB} MiB parts x{S3ServerFixture.Concurrency}: " +
                         $"{length / 1048576.0 / clock.Elapsed.TotalSeconds:0.0} MiB/s, peak managed heap growth {peak / 1048576.0:0.0} MiB " +
                         "(sampled every 20 ms without forcing a collection, so garbage not yet collected counts too)");
        Assert.Equal(GeneratedStream.Md5Of(length, 109), await Md5OfObjectAsync(key));
        // Part buffers (5 MiB x 2) plus what the SDK and the generator allocate between collections.
        Assert.True(peak < 20L << 20, $"peak {peak >> 20} MiB");
    }

    [Theory]
    [InlineData(300_000)]
    [InlineData((11 << 20) + 1)]
    public async Task Flexible_checksums_are_refused_by_s3rver_with_an_error_that_names_the_setting(int length)
    {
        // AWSSDK v4's default (aws-chunked body with a CRC trailer) is what many S3-compatible stores refuse; this
        // is why flexibleChecksums is off by default. The refusal must say which setting fixes it.
        var options = fixture.Options();
        options.FlexibleChecksums = true;
        var provider = Track(S3ServerFixture.Create(options));
        var key = _prefix + $"flexible/{length}.mp4";
        var error = await Assert.ThrowsAsync<StorageConfigurationException>(() => provider.PutAsync(key,
            UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(new GeneratedStream(length, seed: 110))), null, Timeout()));
        output.WriteLine(error.Message);
        Assert.Contains("\"flexibleChecksums\" off", error.Message);
        await Assert.ThrowsAsync<StorageNotFoundException>(() => Provider.StatAsync(key, Timeout()));
    }

    [Fact]
    public async Task A_local_file_is_uploaded_multipart_and_left_untouched()
    {
        var file = Path.Combine(Path.GetTempPath(), $"camshare-s3-{Guid.NewGuid():N}.mp4");
        try
        {
            const long length = (11L << 20) + 7;
            await using (var target = File.Create(file))
            await using (var content = new GeneratedStream(length, seed: 102))
                await content.CopyToAsync(target, TestContext.Current.CancellationToken);
            var before = await Md5OfFileAsync(file);
            var key = _prefix + "file/20240323T102500-0500.mp4";

            var stored = await Provider.PutAsync(key, UploadSource.FromFile(file), null, Timeout());

            Assert.Equal(length, stored.Size);
            Assert.Equal(before, await Md5OfObjectAsync(key));
            Assert.Equal(before, await Md5OfFileAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_single_part_put_reports_the_servers_md5()
    {
        var key = _prefix + "small/clip.mp4";
        var stored = await Provider.PutAsync(key, UploadSource.FromStream(300_000,
            _ => ValueTask.FromResult<Stream>(new GeneratedStream(300_000, seed: 103))), null, Timeout());
        Assert.Equal(GeneratedStream.Md5Of(300_000, 103), stored.FindChecksum(ChecksumAlgorithms.Md5)?.Hex);
        Assert.NotNull(stored.LastModified);
    }

    [Fact]
    public async Task A_share_link_downloads_with_a_plain_http_client_and_a_forged_one_is_refused()
    {
        var key = _prefix + "share/Gäste Zimmer/20240323T102000+0100 #1.mp4";
        await Provider.PutAsync(key, UploadSource.FromStream(250_000,
            _ => ValueTask.FromResult<Stream>(new GeneratedStream(250_000, seed: 104))), null, Timeout());

        var link = await Provider.CreateShareLinkAsync(key, TimeSpan.FromMinutes(10), Timeout());

        using var http = new HttpClient();
        var bytes = await http.GetByteArrayAsync(link, Timeout());
        Assert.Equal(GeneratedStream.Md5Of(250_000, 104), Convert.ToHexStringLower(MD5.HashData(bytes)));
        var expires = int.Parse(System.Text.RegularExpressions.Regex.Match(link.Query, "X-Amz-Expires=([0-9]+)").Groups[1].Value);
        Assert.InRange(expires, 590, 610);
        Assert.DoesNotContain(fixture.Server.SecretKey, link.ToString());

        // (s3rver has no ACLs and serves anonymous GETs, so the unsigned URL is not checked here; S3 refuses it.)
        var tampered = link.ToString().Replace($"X-Amz-Expires={expires}", $"X-Amz-Expires={expires + 3600}");
        using var forged = await http.GetAsync(tampered, Timeout());
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
    }

    [Fact]
    public async Task Share_links_are_refused_for_missing_objects_and_for_more_than_seven_days()
    {
        await Assert.ThrowsAsync<StorageNotFoundException>(() =>
            Provider.CreateShareLinkAsync(_prefix + "share/missing.mp4", TimeSpan.FromHours(1), Timeout()));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Provider.CreateShareLinkAsync(_prefix + "share/missing.mp4", TimeSpan.FromDays(8), Timeout()));
    }

    [Fact]
    public async Task A_wrong_secret_gives_an_authentication_error_without_leaking_it()
    {
        var options = fixture.Options();
        options.SecretAccessKey = "not-the-secret-" + Guid.NewGuid().ToString("N");
        var provider = Track(S3ServerFixture.Create(options));

        var put = await Assert.ThrowsAsync<StorageAuthenticationException>(() => provider.PutAsync(_prefix + "denied.mp4",
            UploadSource.FromStream(10, _ => ValueTask.FromResult<Stream>(new GeneratedStream(10, 105))), null, Timeout()));
        var big = await Assert.ThrowsAsync<StorageAuthenticationException>(() => provider.PutAsync(_prefix + "denied-big.mp4",
            UploadSource.FromStream(12L << 20, _ => ValueTask.FromResult<Stream>(new GeneratedStream(12L << 20, 105))), null, Timeout()));
        await Assert.ThrowsAsync<StorageAuthenticationException>(() => provider.StatAsync(_prefix + "x.mp4", Timeout()));

        foreach (var error in new StorageException[] { put, big })
        {
            Assert.False(error.IsRetryable);
            Assert.Contains("SignatureDoesNotMatch", error.Message);
            Assert.DoesNotContain(options.SecretAccessKey, error.Message);
            Assert.DoesNotContain(fixture.Server.SecretKey, error.Message);
        }
        var diagnostics = await provider.DiagnoseAsync(Timeout());
        Assert.Contains(diagnostics, d => d.Name == "s3 bucket access" && !d.Ok && d.Detail.Contains("credentials"));
        Assert.All(diagnostics, d => Assert.DoesNotContain(options.SecretAccessKey, d.Detail));
    }

    [Fact]
    public async Task A_missing_bucket_is_a_configuration_error_naming_the_bucket()
    {
        var options = fixture.Options();
        options.Bucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8];
        var provider = Track(S3ServerFixture.Create(options));

        var put = await Assert.ThrowsAsync<StorageConfigurationException>(() => provider.PutAsync(_prefix + "a.mp4",
            UploadSource.FromStream(10, _ => ValueTask.FromResult<Stream>(new GeneratedStream(10, 106))), null, Timeout()));
        var list = await Assert.ThrowsAsync<StorageConfigurationException>(async () =>
        {
            await foreach (var _ in provider.ListAsync(_prefix, Timeout())) { }
        });
        Assert.Contains(options.Bucket, put.Message);
        Assert.Contains("does not exist", list.Message);
        Assert.False(put.IsRetryable);
    }

    [Fact]
    public async Task The_prefix_setting_places_every_object_under_it_and_hides_it_from_keys()
    {
        var nested = Track(S3ServerFixture.Create(fixture.Options(prefix: "/camshare-tests/" + _prefix + "nested")));
        await nested.PutAsync("cam/1.mp4", UploadSource.FromStream(123,
            _ => ValueTask.FromResult<Stream>(new GeneratedStream(123, 107))), null, Timeout());

        var inner = new List<string>();
        await foreach (var item in nested.ListAsync("", Timeout())) inner.Add(item.Key);
        var outer = new List<string>();
        await foreach (var item in Provider.ListAsync(_prefix, Timeout())) outer.Add(item.Key);

        Assert.Equal(["cam/1.mp4"], inner);
        Assert.Equal([_prefix + "nested/cam/1.mp4"], outer);
        Assert.Equal(123, (await Provider.StatAsync(_prefix + "nested/cam/1.mp4", Timeout())).Size);
    }

    [Fact]
    public async Task Listing_pages_through_more_than_one_page()
    {
        // s3rver pages at 1000 keys like S3; 1,005 tiny objects force a continuation token.
        var keys = Enumerable.Range(0, 1005).Select(i => $"{_prefix}many/{i:D4}.bin").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) =>
            await Provider.PutAsync(key, UploadSource.FromStream(1, _ => ValueTask.FromResult<Stream>(new MemoryStream([7]))), null, ct));

        var listed = new List<string>();
        await foreach (var item in Provider.ListAsync(_prefix + "many/", Timeout())) listed.Add(item.Key);

        Assert.Equal(keys, listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Diagnostics_report_settings_access_and_that_s3rver_cannot_list_multipart_uploads()
    {
        var results = await Provider.DiagnoseAsync(Timeout());
        foreach (var r in results) output.WriteLine($"{r.Name}: {(r.Ok ? "ok" : "FAIL")} - {r.Detail}");

        Assert.Equal(["s3 settings", "s3 bucket access", "s3 stale multipart uploads"], results.Select(r => r.Name));
        Assert.All(results, r => Assert.True(r.Ok, r.Detail));
        Assert.Contains("does not implement ListMultipartUploads", results[2].Detail);
        Assert.All(results, r => Assert.DoesNotContain(fixture.Server.SecretKey, r.Detail));
    }

    [Fact]
    public async Task The_plugin_registers_the_s3_provider_that_the_host_can_create()
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        new S3StoragePlugin().ConfigureServices(services);
        using var sp = services.BuildServiceProvider();
        var descriptor = sp.GetRequiredKeyedService<StorageProviderDescriptor>("s3");

        var provider = Assert.IsType<S3StorageProvider>(descriptor.Create(sp, fixture.Options(), "cloud"));
        Track(provider);
        Assert.Equal(typeof(S3StorageOptions), descriptor.OptionsType);
        await provider.PutAsync(_prefix + "via-plugin.mp4", UploadSource.FromStream(5,
            _ => ValueTask.FromResult<Stream>(new GeneratedStream(5, 108))), null, Timeout());
        Assert.Equal(5, (await provider.StatAsync(_prefix + "via-plugin.mp4", Timeout())).Size);
    }

    private async Task<string> Md5OfObjectAsync(string key)
    {
        await using var stream = await Provider.OpenReadAsync(key, Timeout());
        return Convert.ToHexStringLower(await MD5.HashDataAsync(stream, Timeout()));
    }

    private static async Task<string> Md5OfFileAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await MD5.HashDataAsync(stream));
    }

    private sealed class SynchronousProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }
}
