using System.Security.Cryptography;
using System.Text;
using CamShare.Abstractions;
using Xunit;

namespace CamShare.Storage.Conformance;

/// <summary>
/// The contract of <see cref="IStorageProvider"/>, checked against a real backend. A provider's test class
/// derives from this with its fixture and nothing else; capability tests skip (visibly) when the provider does
/// not offer the capability. Each test works under its own random prefix, so tests never see each other's data.
/// </summary>
public abstract class StorageProviderConformanceTests<TFixture> : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : StorageProviderFixture
{
    private readonly List<IStorageProvider> _providers = [];

    protected StorageProviderConformanceTests(TFixture fixture)
    {
        Fixture = fixture;
        Prefix = $"conformance-{Guid.NewGuid():N}"[..24] + "/";
    }

    protected TFixture Fixture { get; }

    /// <summary>The folder-like prefix this test owns.</summary>
    protected string Prefix { get; }

    protected IStorageProvider Provider => _provider ??= Track(Fixture.CreateProvider());
    private IStorageProvider? _provider;

    protected static CancellationToken Timeout(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await foreach (var item in Provider.ListAsync(Prefix, Timeout(60)))
                await Provider.DeleteAsync(item.Key, Timeout(60));
        }
        catch (StorageException)
        {
            // Best effort: the backend may be the thing under test being unreachable.
        }
        foreach (var provider in _providers)
            if (provider is IAsyncDisposable disposable) await disposable.DisposeAsync();
            else if (provider is IDisposable plain) plain.Dispose();
    }

    private IStorageProvider Track(IStorageProvider provider)
    {
        _providers.Add(provider);
        return provider;
    }

    [Fact]
    public async Task Put_then_read_returns_the_same_bytes()
    {
        const long length = (1 << 20) + 123;
        var key = Prefix + "round-trip.mp4";
        var stored = await PutGeneratedAsync(key, length, seed: 1);

        Assert.Equal(key, stored.Key);
        Assert.Equal(length, stored.Size);
        await AssertContentAsync(key, GeneratedStream.Md5Of(length, 1));
        await AssertReportedChecksumsAreTrueAsync(stored, length, seed: 1);
        var stat = await Provider.StatAsync(key, Timeout());
        Assert.Equal(length, stat.Size);
    }

    [Fact]
    public async Task Put_of_an_empty_object_works()
    {
        var key = Prefix + "empty.bin";
        var stored = await PutGeneratedAsync(key, 0, seed: 2);
        Assert.Equal(0, stored.Size);
        Assert.Equal(0, (await Provider.StatAsync(key, Timeout())).Size);
        await AssertContentAsync(key, GeneratedStream.Md5Of(0, 2));
    }

    [Fact]
    public async Task Put_of_a_local_file_works()
    {
        var file = Path.Combine(Path.GetTempPath(), $"camshare-conformance-{Guid.NewGuid():N}.mp4");
        try
        {
            await using (var output = File.Create(file))
            await using (var input = new GeneratedStream(300_000, seed: 3))
                await input.CopyToAsync(output);
            var key = Prefix + "from-file/20240323T102000-0500.mp4";
            var stored = await Provider.PutAsync(key, UploadSource.FromFile(file), null, Timeout());
            Assert.Equal(300_000, stored.Size);
            await AssertContentAsync(key, GeneratedStream.Md5Of(300_000, 3));
            Assert.True(File.Exists(file), "a put must never remove or change the local file");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Put_overwrites_an_existing_object()
    {
        var key = Prefix + "overwrite.mp4";
        await PutGeneratedAsync(key, 50_000, seed: 4);
        var second = await PutGeneratedAsync(key, 70_000, seed: 5);
        Assert.Equal(70_000, second.Size);
        await AssertContentAsync(key, GeneratedStream.Md5Of(70_000, 5));
        var listed = await ListAsync(Prefix);
        Assert.Equal([key], listed.Select(o => o.Key));
    }

    [Fact]
    public async Task Keys_with_spaces_plus_signs_and_non_ascii_characters_round_trip()
    {
        string[] keys =
        [
            Prefix + "porch cam/20240323/10/20240323T102000+0100.mp4",
            Prefix + "Gäste-Zimmer/日本 カメラ/a+b=c & d%20e.mp4",
            Prefix + "with'quote/#hash?query;semi.mp4",
        ];
        for (var i = 0; i < keys.Length; i++)
            await PutGeneratedAsync(keys[i], 1000 + i, seed: 10 + i);

        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(1000 + i, (await Provider.StatAsync(keys[i], Timeout())).Size);
            await AssertContentAsync(keys[i], GeneratedStream.Md5Of(1000 + i, 10 + i));
        }
        var listed = await ListAsync(Prefix);
        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Select(o => o.Key).Order(StringComparer.Ordinal));
        foreach (var key in keys) await Provider.DeleteAsync(key, Timeout());
        Assert.Empty(await ListAsync(Prefix));
    }

    [Fact]
    public async Task List_by_prefix_returns_nested_keys_with_size_and_time()
    {
        var before = DateTimeOffset.UtcNow.AddMinutes(-10);
        string[] inside = [Prefix + "cam/1.mp4", Prefix + "cam/2024/2.mp4", Prefix + "cam/2024/03/23/3.mp4"];
        string[] outside = [Prefix + "camera/4.mp4", Prefix + "other/5.mp4"];
        var sizes = new Dictionary<string, long>();
        var n = 0;
        foreach (var key in inside.Concat(outside))
        {
            sizes[key] = 100 + n;
            await PutGeneratedAsync(key, 100 + n, seed: 20 + n++);
        }

        var listed = await ListAsync(Prefix + "cam/");
        Assert.Equal(inside.Order(StringComparer.Ordinal), listed.Select(o => o.Key).Order(StringComparer.Ordinal));
        foreach (var item in listed)
        {
            Assert.Equal(sizes[item.Key], item.Size);
            Assert.NotNull(item.LastModified);
            Assert.InRange(item.LastModified!.Value, before, DateTimeOffset.UtcNow.AddMinutes(10));
        }

        // A plain string prefix also matches a partial name.
        var partial = await ListAsync(Prefix + "cam");
        Assert.Equal(4, partial.Count);
        Assert.Equal(5, (await ListAsync(Prefix)).Count);
        Assert.Empty(await ListAsync(Prefix + "nothing-here/"));
    }

    [Fact]
    public async Task Delete_removes_the_object_and_is_idempotent()
    {
        var key = Prefix + "delete/me.mp4";
        var keep = Prefix + "delete/keep.mp4";
        await PutGeneratedAsync(key, 10, seed: 30);
        await PutGeneratedAsync(keep, 11, seed: 31);

        await Provider.DeleteAsync(key, Timeout());
        await Assert.ThrowsAnyAsync<StorageNotFoundException>(() => Provider.StatAsync(key, Timeout()));
        await Assert.ThrowsAnyAsync<StorageNotFoundException>(async () =>
        {
            await using var s = await Provider.OpenReadAsync(key, Timeout());
        });
        await Provider.DeleteAsync(key, Timeout());
        await Provider.DeleteAsync(Prefix + "never/existed.mp4", Timeout());
        Assert.Equal([keep], (await ListAsync(Prefix)).Select(o => o.Key));
    }

    [Fact]
    public async Task Stat_of_a_missing_key_throws_not_found()
    {
        await Assert.ThrowsAnyAsync<StorageNotFoundException>(() => Provider.StatAsync(Prefix + "missing.mp4", Timeout()));
    }

    [Fact]
    public async Task A_reader_never_sees_a_partial_object_while_a_slow_upload_is_in_flight()
    {
        var key = Prefix + "slow/segment.mp4";
        var length = Fixture.SlowUploadSize;
        using var content = new GeneratedStream(length, seed: 40, gateAt: length * 2 / 3);
        var put = Provider.PutAsync(key, Gated(content, length, seed: 40), null, Timeout());

        await Task.WhenAny(content.ReachedGate, put);
        Assert.False(put.IsCompleted, put.Exception?.ToString() ?? "the put finished before reading all of its content");
        await Task.Delay(500); // let what was read so far reach the server

        await Assert.ThrowsAnyAsync<StorageNotFoundException>(() => Provider.StatAsync(key, Timeout()));
        AssertOnlyTemporaries(await ListAsync(Prefix));

        content.Release();
        var stored = await put;
        Assert.Equal(length, stored.Size);
        await AssertContentAsync(key, GeneratedStream.Md5Of(length, 40));
        Assert.Equal([key], (await ListAsync(Prefix)).Select(o => o.Key));
    }

    [Fact]
    public async Task An_overwrite_in_flight_leaves_the_previous_object_readable()
    {
        var key = Prefix + "slow/overwrite.mp4";
        await PutGeneratedAsync(key, 4096, seed: 41);
        var length = Fixture.SlowUploadSize;
        using var content = new GeneratedStream(length, seed: 42, gateAt: length / 2);
        var put = Provider.PutAsync(key, Gated(content, length, seed: 42), null, Timeout());
        await Task.WhenAny(content.ReachedGate, put);
        await Task.Delay(300);

        Assert.Equal(4096, (await Provider.StatAsync(key, Timeout())).Size);
        await AssertContentAsync(key, GeneratedStream.Md5Of(4096, 41));

        content.Release();
        await put;
        await AssertContentAsync(key, GeneratedStream.Md5Of(length, 42));
    }

    [Fact]
    public async Task Cancelling_a_put_midway_leaves_no_visible_object()
    {
        var key = Prefix + "cancel/segment.mp4";
        var length = Fixture.SlowUploadSize;
        using var content = new GeneratedStream(length, seed: 50, gateAt: length / 2);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var put = Provider.PutAsync(key, Gated(content, length, seed: 50), null, cts.Token);
        await Task.WhenAny(content.ReachedGate, put);
        Assert.False(put.IsCompleted, put.Exception?.ToString() ?? "the put finished before reading all of its content");

        cts.Cancel();
        content.Abort(); // a provider blocked in a synchronous read gets an OperationCanceledException too
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => put);

        await Assert.ThrowsAnyAsync<StorageNotFoundException>(() => Provider.StatAsync(key, Timeout()));
        // Nothing at all: neither the object nor the temporary object of the cancelled put.
        Assert.Empty(await ListAsync(Prefix));
    }

    [Fact]
    public async Task A_name_of_200_bytes_round_trips()
    {
        var bytes = Fixture.LongestNameBytes;
        var name = string.Concat(Enumerable.Repeat("日本", (bytes - 8) / 6)); // 6 bytes a pair
        name += new string('n', bytes - 4 - Encoding.UTF8.GetByteCount(name)) + ".mp4";
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(name));
        var key = Prefix + "long/" + name;
        var stored = await PutGeneratedAsync(key, 5000, seed: 100);
        Assert.Equal(5000, stored.Size);
        await AssertContentAsync(key, GeneratedStream.Md5Of(5000, 100));
        Assert.Equal([key], (await ListAsync(Prefix)).Select(o => o.Key));
    }

    [Fact]
    public async Task Temporary_objects_use_the_contracts_names_and_are_listed_raw()
    {
        if (Fixture.HidesDotNames is { } why) { Assert.Skip(why); return; }
        var key = Prefix + "temp/20240323T102000+0100.mp4";
        var temporary = StorageKeys.TemporaryKeyFor(key);
        // What a put that crashed halfway leaves behind: the host must be able to see it (and sweep it).
        await PutGeneratedAsync(temporary, 1000, seed: 101);
        var listed = await ListAsync(Prefix);
        Assert.Equal([temporary], listed.Select(o => o.Key));
        Assert.True(StorageKeys.IsTemporary(listed[0].Key));
        Assert.True(StorageKeys.TryGetTemporaryTime(listed[0].Key, out var started));
        Assert.InRange(started, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(10));
        await Provider.DeleteAsync(temporary, Timeout());
        Assert.Empty(await ListAsync(Prefix));
    }

    [Fact]
    public async Task Errors_never_contain_a_secret()
    {
        var secrets = Fixture.Secrets.Where(s => s.Length >= 4).ToList();
        if (secrets.Count == 0) { Assert.Skip("this backend uses no secret"); return; }
        var errors = new List<Exception>();
        var bad = Fixture.CreateProviderWithBadCredentials();
        if (bad is not null)
        {
            Track(bad);
            errors.Add(await Assert.ThrowsAnyAsync<StorageException>(() => bad.PutAsync(Prefix + "denied.mp4",
                UploadSource.FromStream(10, _ => ValueTask.FromResult<Stream>(new GeneratedStream(10, 102))), null, Timeout())));
            errors.Add(await Assert.ThrowsAnyAsync<StorageException>(() => bad.StatAsync(Prefix + "denied.mp4", Timeout())));
        }
        var unreachable = Fixture.CreateProviderForUnreachableServer();
        if (unreachable is not null)
        {
            Track(unreachable);
            errors.Add(await Assert.ThrowsAnyAsync<StorageException>(() => unreachable.PutAsync(Prefix + "nowhere.mp4",
                UploadSource.FromStream(10, _ => ValueTask.FromResult<Stream>(new GeneratedStream(10, 103))), null, Timeout())));
        }
        errors.Add(await Assert.ThrowsAnyAsync<StorageNotFoundException>(() => Provider.StatAsync(Prefix + "missing.mp4", Timeout())));
        foreach (var error in errors)
            for (Exception? e = error; e is not null; e = e.InnerException)
                foreach (var secret in secrets)
                    Assert.DoesNotContain(secret, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Known_checksums_of_the_source_are_accepted()
    {
        var key = Prefix + "known/segment.mp4";
        var md5 = ObjectChecksum.Of(ChecksumAlgorithms.Md5, GeneratedStream.Md5Of(70_000, 104));
        var stored = await Provider.PutAsync(key, UploadSource.FromStream(70_000,
            _ => ValueTask.FromResult<Stream>(new GeneratedStream(70_000, 104)), md5), null, Timeout());
        Assert.Equal(70_000, stored.Size);
        await AssertContentAsync(key, md5.Hex);
    }

    [Fact]
    public async Task Emptied_folders_can_be_removed()
    {
        if (Provider is not IFolderCleanupCapability folders) { Assert.Skip("the backend has no real folders"); return; }
        var gone = Prefix + "cam/20240323/10/a.mp4";
        var kept = Prefix + "cam/20240323/11/b.mp4";
        await PutGeneratedAsync(gone, 10, seed: 105);
        await PutGeneratedAsync(kept, 11, seed: 106);
        await Provider.DeleteAsync(gone, Timeout());
        await folders.RemoveFolderIfEmptyAsync(Prefix + "cam/20240323/10", Timeout());
        await folders.RemoveFolderIfEmptyAsync(Prefix + "cam/20240323/11", Timeout()); // not empty: stays
        await folders.RemoveFolderIfEmptyAsync(Prefix + "cam/20240323", Timeout());    // not empty: stays
        await folders.RemoveFolderIfEmptyAsync(Prefix + "never/was", Timeout());       // missing: no error
        Assert.Equal([kept], (await ListAsync(Prefix)).Select(o => o.Key));
        await AssertContentAsync(kept, GeneratedStream.Md5Of(11, 106));
        await PutGeneratedAsync(gone, 12, seed: 107); // the folder comes back when needed
        await AssertContentAsync(gone, GeneratedStream.Md5Of(12, 107));
    }

    [Fact]
    public async Task A_large_object_is_streamed_with_bounded_memory()
    {
        var length = Fixture.LargeObjectSize;
        var key = Prefix + "large/segment.mp4";
        long peak = 0;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                try { await Task.Delay(150, sampling.Token); } catch (OperationCanceledException) { }
            }
        });
        var progress = new RecordingProgress();
        StoredObject stored;
        try
        {
            stored = await Provider.PutAsync(key, UploadSource.FromStream(length,
                _ => ValueTask.FromResult<Stream>(new GeneratedStream(length, seed: 60))), progress, Timeout(600));
        }
        finally
        {
            sampling.Cancel();
            await sampler;
        }

        Assert.Equal(length, stored.Size);
        await AssertContentAsync(key, GeneratedStream.Md5Of(length, 60));
        Assert.True(peak < Fixture.MaxBufferedBytes,
            $"the put held {peak >> 20} MiB at once for a {length >> 20} MiB object (limit {Fixture.MaxBufferedBytes >> 20} MiB)");
        Assert.NotEmpty(progress.Reports);
        Assert.Equal(length, progress.Reports[^1].BytesTransferred);
        Assert.All(progress.Reports, r => Assert.InRange(r.BytesTransferred, 0, length));
    }

    [Fact]
    public async Task Bad_credentials_give_an_authentication_error()
    {
        var provider = Fixture.CreateProviderWithBadCredentials();
        if (provider is null) Assert.Skip("this backend has no credentials");
        Track(provider);
        var error = await Assert.ThrowsAnyAsync<StorageAuthenticationException>(() =>
            provider.PutAsync(Prefix + "denied.mp4", UploadSource.FromStream(10,
                _ => ValueTask.FromResult<Stream>(new GeneratedStream(10, 70))), null, Timeout()));
        Assert.False(error.IsRetryable);
        await Assert.ThrowsAnyAsync<StorageAuthenticationException>(async () =>
        {
            await foreach (var _ in provider.ListAsync(Prefix, Timeout())) { }
        });
    }

    [Fact]
    public async Task An_unreachable_server_gives_a_transient_error()
    {
        var provider = Fixture.CreateProviderForUnreachableServer();
        if (provider is null) Assert.Skip("this backend has no server to be unreachable");
        Track(provider);
        var error = await Assert.ThrowsAnyAsync<StorageTransientException>(() =>
            provider.PutAsync(Prefix + "nowhere.mp4", UploadSource.FromStream(10,
                _ => ValueTask.FromResult<Stream>(new GeneratedStream(10, 71))), null, Timeout()));
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public async Task Share_links_download_the_object_without_credentials()
    {
        if (Provider is not IShareLinkCapability links) { Assert.Skip("the provider does not offer share links"); return; }
        var key = Prefix + "share/20240323T102000+0000.mp4";
        await PutGeneratedAsync(key, 200_000, seed: 80);
        Uri link;
        try
        {
            link = await links.CreateShareLinkAsync(key, TimeSpan.FromHours(1), Timeout());
        }
        catch (NotSupportedException ex)
        {
            Assert.Skip($"this backend instance cannot make share links: {ex.Message}");
            return;
        }
        using var http = Fixture.CreateHttpClient();
        var bytes = await http.GetByteArrayAsync(link, Timeout());
        Assert.Equal(GeneratedStream.Md5Of(200_000, 80), Convert.ToHexStringLower(MD5.HashData(bytes)));
    }

    [Fact]
    public async Task Server_side_hashes_match_the_content()
    {
        if (Provider is not IServerSideHashCapability hashes) { Assert.Skip("the provider offers no server-side hash"); return; }
        if (hashes.SupportedHashes.Count == 0) { Assert.Skip("this backend instance computes no hash"); return; }
        var key = Prefix + "hash/segment.mp4";
        await PutGeneratedAsync(key, 123_456, seed: 90);
        foreach (var algorithm in hashes.SupportedHashes)
        {
            var expected = algorithm switch
            {
                ChecksumAlgorithms.Md5 => GeneratedStream.Md5Of(123_456, 90),
                ChecksumAlgorithms.Sha1 => HashOf(SHA1.Create(), 123_456, 90),
                ChecksumAlgorithms.Sha256 => HashOf(SHA256.Create(), 123_456, 90),
                _ => null,
            };
            if (expected is null) continue;
            var actual = await hashes.GetHashAsync(key, algorithm, Timeout());
            Assert.Equal(expected, actual.Hex);
        }
        await Assert.ThrowsAnyAsync<StorageNotFoundException>(() =>
            hashes.GetHashAsync(Prefix + "hash/missing.mp4", hashes.SupportedHashes.First(), Timeout()));
    }

    [Fact]
    public async Task Invalid_keys_are_refused_before_reaching_the_backend()
    {
        foreach (var key in new[] { "", "/abs.mp4", "a//b.mp4", "a/../b.mp4", "trailing/" })
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Provider.PutAsync(key,
                UploadSource.FromStream(1, _ => ValueTask.FromResult<Stream>(new MemoryStream([1]))), null, Timeout()));
    }

    /// <summary>The first open yields the gated stream; a provider that opens again (to resend a body after an
    /// authentication challenge, say) gets the same content afresh, ungated.</summary>
    private static UploadSource Gated(GeneratedStream content, long length, int seed)
    {
        var opened = 0;
        return UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(
            Interlocked.Increment(ref opened) == 1 ? content : new GeneratedStream(length, seed)));
    }

    protected async Task<StoredObject> PutGeneratedAsync(string key, long length, int seed) =>
        await Provider.PutAsync(key, UploadSource.FromStream(length,
            _ => ValueTask.FromResult<Stream>(new GeneratedStream(length, seed))), null, Timeout());

    protected async Task<List<StoredObject>> ListAsync(string prefix)
    {
        var items = new List<StoredObject>();
        await foreach (var item in Provider.ListAsync(prefix, Timeout())) items.Add(item);
        return items;
    }

    protected async Task AssertContentAsync(string key, string expectedMd5)
    {
        await using var stream = await Provider.OpenReadAsync(key, Timeout());
        using var md5 = MD5.Create();
        var actual = Convert.ToHexStringLower(await md5.ComputeHashAsync(stream, Timeout()));
        Assert.Equal(expectedMd5, actual);
    }

    private async Task AssertReportedChecksumsAreTrueAsync(StoredObject stored, long length, int seed)
    {
        foreach (var checksum in stored.Checksums)
        {
            string? expected = checksum.Algorithm switch
            {
                ChecksumAlgorithms.Md5 => GeneratedStream.Md5Of(length, seed),
                ChecksumAlgorithms.Sha1 => HashOf(SHA1.Create(), length, seed),
                ChecksumAlgorithms.Sha256 => HashOf(SHA256.Create(), length, seed),
                _ => null,
            };
            if (expected is not null) Assert.Equal(expected, checksum.Hex);
        }
        await Task.CompletedTask;
    }

    private static string HashOf(HashAlgorithm algorithm, long length, int seed)
    {
        using (algorithm)
        using (var stream = new GeneratedStream(length, seed))
            return Convert.ToHexStringLower(algorithm.ComputeHash(stream));
    }

    private sealed class RecordingProgress : IProgress<TransferProgress>
    {
        private readonly Lock _lock = new();
        public List<TransferProgress> Reports { get; } = [];
        public void Report(TransferProgress value) { lock (_lock) Reports.Add(value); }
    }

    /// <summary>During a put in flight, a listing may show only temporary objects of the contract's naming.</summary>
    protected static void AssertOnlyTemporaries(IEnumerable<StoredObject> listed) =>
        Assert.All(listed, o => Assert.True(StorageKeys.IsTemporary(o.Key), $"'{o.Key}' is listed during a put but is not a temporary object"));

    /// <summary>UTF-8 helper for derived tests.</summary>
    protected static UploadSource TextSource(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return UploadSource.FromStream(bytes.Length, _ => ValueTask.FromResult<Stream>(new MemoryStream(bytes)));
    }
}
