using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using CamShare.Abstractions;
using CamShare.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CamShare.Storage.S3.Tests.EndToEnd;

/// <summary>
/// Real parts only: the RTSP camera simulator (H.264 + G.711 A-law, digest auth), s3rver 5 (checks SigV4) and the
/// built <c>camshare</c> executable running <c>run --config FILE</c> as its own process, which loads the S3 provider
/// from artifacts/plugins/CamShare.Storage.S3 like any third party's plugin. One rig per test: its own temp folder,
/// camera, server, bucket and spool.
/// </summary>
internal sealed partial class S3EndToEndRig : IAsyncDisposable
{
    public const string Camera = "porch";
    public const string Storage = "cloud";
    public const string User = "viewer";
    /// <summary>Characters that must be percent-encoded in an RTSP URL's user info.</summary>
    public const string Password = "Cam:@/%pw9Z";
    public const string PasswordEnv = "CAMSHARE_E2E_RTSP_PASSWORD";
    public const string SecretEnv = "CAMSHARE_E2E_S3_SECRET";
    /// <summary>Europe/Berlin: segment names (and keys) carry "+0100"/"+0200", a character S3 URL encoding must keep.</summary>
    public const string TimeZone = "Europe/Berlin";

    private readonly string _folder = Directory.CreateTempSubdirectory("camshare-e2e-s3-").FullName;
    private readonly List<S3StorageProvider> _providers = [];

    private S3EndToEndRig(RtspCamera camera, S3rverServer server)
    {
        CameraSim = camera;
        Server = server;
        Spool = Path.Combine(_folder, "spool");
        ConfigPath = Path.Combine(_folder, "camshare.json");
    }

    public RtspCamera CameraSim { get; }
    public S3rverServer Server { get; }
    public string Spool { get; }
    public string ConfigPath { get; }
    public CamShareService? Service { get; private set; }
    public string RecFolder => Path.Combine(Spool, Camera, "rec");
    public string KeptFolder => Path.Combine(Spool, Camera, "kept");

    /// <summary>The secret camshare was given (the server's, unless a test gives a wrong one).</summary>
    public string SecretGiven { get; private set; } = "";

    public static async Task<S3EndToEndRig> StartAsync(int? kbps = null, string? pattern = null)
    {
        var server = await S3rverServer.StartAsync("camshare-e2e");
        try
        {
            var camera = await RtspCamera.StartAsync(User, Password, kbps: kbps, pattern: pattern);
            return new S3EndToEndRig(camera, server);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes the config file and starts <c>camshare run</c>; waits until ffmpeg runs.</summary>
    /// <param name="storageExtras">Extra JSON properties of the s3 storage (e.g. <c>"multipartThresholdMiB": 5</c>).</param>
    public async Task<CamShareService> StartCamShareAsync(int segmentSeconds, string? storageExtras = null,
        bool keepLocal = false, string? secret = null)
    {
        SecretGiven = secret ?? Server.SecretKey;
        var config = new Dictionary<string, object>
        {
            ["cameras"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = Camera, ["url"] = CameraSim.Url, ["username"] = User, ["passwordEnv"] = PasswordEnv,
                    ["segmentSeconds"] = segmentSeconds, ["timeZone"] = TimeZone, ["destinations"] = new[] { Storage },
                },
            },
            ["storages"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = Storage, ["provider"] = "s3", ["endpoint"] = Server.Endpoint, ["pathStyle"] = true,
                    ["region"] = "us-east-1", ["bucket"] = Server.Bucket, ["accessKeyId"] = Server.AccessKey,
                    ["secretAccessKeyEnv"] = SecretEnv, ["requestTimeoutSeconds"] = 30,
                },
            },
            ["keyTemplate"] = "{camera}/{yyyyMMdd}/{HH}/{file}",
            ["spool"] = new Dictionary<string, object> { ["path"] = Spool, ["keepLocal"] = keepLocal },
        };
        var json = JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true });
        if (storageExtras is not null)
        {
            const string anchor = "\"requestTimeoutSeconds\": 30";
            json = json.Replace(anchor, anchor + ", " + storageExtras, StringComparison.Ordinal);
        }
        await File.WriteAllTextAsync(ConfigPath, json);
        Assert.DoesNotContain(Password, json);
        Assert.DoesNotContain(Server.SecretKey, json);
        Service = CamShareService.Start(ConfigPath, new Dictionary<string, string?>
        {
            [PasswordEnv] = Password,
            [SecretEnv] = SecretGiven,
        });
        await Service.WaitForLinesAsync($"{Camera}: ffmpeg started", 1, TimeSpan.FromSeconds(40));
        return Service;
    }

    /// <summary>
    /// Sends SIGTERM once the segment being written is 1–2 s old, so that the last segment (finalised by the stop)
    /// holds some video and audio rather than a few frames; returns camshare's exit code.
    /// </summary>
    public async Task<int> StopCamShareAsync()
    {
        await WaitUntilIntoSegmentAsync();
        return await Service!.StopAsync();
    }

    /// <summary>Waits until the segment being written is 1–2 s old.</summary>
    public async Task WaitUntilIntoSegmentAsync()
    {
        var service = Service!;
        await service.WaitUntilAsync(() =>
        {
            var last = Closed().LastOrDefault().Line ?? service.Matching($"{Camera}: ffmpeg started").LastOrDefault();
            var since = service.Elapsed - (last?.At ?? TimeSpan.Zero);
            return since >= TimeSpan.FromSeconds(1) && since <= TimeSpan.FromSeconds(2);
        }, TimeSpan.FromSeconds(30), "a moment 1–2 s into a segment");
    }

    /// <summary>Provider straight from the plugin assembly, with the right credentials, to inspect the bucket.</summary>
    public S3StorageProvider CreateProvider()
    {
        var provider = new S3StorageProvider(new S3StorageOptions
        {
            Bucket = Server.Bucket, Endpoint = Server.Endpoint, Region = "us-east-1", PathStyle = true,
            AccessKeyId = Server.AccessKey, SecretAccessKey = Server.SecretKey, RequestTimeoutSeconds = 30,
            AbortStaleUploadsAfterHours = 0,
        }, new StorageIdentity("e2e-inspect"), NullLogger<S3StorageProvider>.Instance);
        _providers.Add(provider);
        return provider;
    }

    public static async Task<List<StoredObject>> ListAllAsync(IStorageProvider provider)
    {
        var all = new List<StoredObject>();
        await foreach (var item in provider.ListAsync("", Timeout())) all.Add(item);
        return all;
    }

    public async Task<string> DownloadAsync(IStorageProvider provider, string key)
    {
        var path = Path.Combine(_folder, "downloads", key.Replace('/', '_'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var source = await provider.OpenReadAsync(key, Timeout()))
        await using (var target = File.Create(path))
            await source.CopyToAsync(target, Timeout());
        return path;
    }

    public static async Task<string> Md5OfFileAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await MD5.HashDataAsync(stream));
    }

    public static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>Segments camshare reported closed (file names, in order), with when it said so.</summary>
    public IReadOnlyList<(string File, double MiB, CamShareService.LogLine Line)> Closed() =>
        [.. Service!.Lines.Select(l => (Match: ClosedLine().Match(l.Text), Line: l)).Where(x => x.Match.Success)
            .Select(x => (x.Match.Groups["file"].Value, double.Parse(x.Match.Groups["mib"].Value, CultureInfo.InvariantCulture), x.Line))];

    /// <summary>Keys camshare reported uploaded and verified to the S3 destination, with when it said so.</summary>
    public IReadOnlyList<(string Key, string Verified, CamShareService.LogLine Line)> Uploaded() =>
        [.. Service!.Lines.Select(l => (Match: UploadedLine().Match(l.Text), Line: l)).Where(x => x.Match.Success)
            .Select(x => (x.Match.Groups["key"].Value, x.Match.Groups["what"].Value, x.Line))];

    public const string UploadedMarker = $"{Camera} → {Storage}: uploaded ";

    /// <summary>The key camshare must use for a segment file: {camera}/{yyyyMMdd}/{HH}/{file}, from the name's local time.</summary>
    public static string ExpectedKey(string file)
    {
        var start = StartOf(file);
        return string.Create(CultureInfo.InvariantCulture, $"{Camera}/{start:yyyyMMdd}/{start:HH}/{file}");
    }

    /// <summary>Start time in a segment name, <c>yyyyMMddTHHmmss±hhmm.mp4</c> (local time and its UTC offset).</summary>
    public static DateTimeOffset StartOf(string file)
    {
        var match = SegmentFileName().Match(file);
        Assert.True(match.Success, $"'{file}' is not a segment name (yyyyMMddTHHmmss±hhmm.mp4)");
        var local = DateTime.ParseExact(match.Groups["local"].Value, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var offset = new TimeSpan(int.Parse(match.Groups["hh"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["mm"].Value, CultureInfo.InvariantCulture), 0);
        return new DateTimeOffset(local, match.Groups["sign"].Value == "-" ? -offset : offset);
    }

    /// <summary>Neither the RTSP password (plain or percent-encoded) nor the S3 secret appears in camshare's output.</summary>
    public void AssertNoSecrets()
    {
        var output = Service!.Output;
        Assert.DoesNotContain(Password, output);
        Assert.DoesNotContain(Uri.EscapeDataString(Password), output);
        Assert.DoesNotContain(Uri.EscapeDataString(Password).ToLowerInvariant(), output.ToLowerInvariant());
        Assert.DoesNotContain(Server.SecretKey, output);
        if (SecretGiven.Length > 0) Assert.DoesNotContain(SecretGiven, output);
    }

    /// <summary>The S3 plugin was found and loaded: no "plugin not loaded" warning concerns it.</summary>
    public void AssertS3PluginLoaded()
    {
        var output = Service!.Output;
        Assert.DoesNotContain(Service.Lines, l => l.Text.Contains("plugin not loaded", StringComparison.OrdinalIgnoreCase) &&
                                                  l.Text.Contains("S3", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("config error", output);
    }

    /// <summary>Segment files (not lists or pid files) in the spool's rec folder.</summary>
    public IReadOnlyList<string> SegmentsInRec() =>
        Directory.Exists(RecFolder) ? [.. Directory.EnumerateFiles(RecFolder, "*.mp4").Select(Path.GetFileName).Order(StringComparer.Ordinal)!] : [];

    public void Report(ITestOutputHelper? output)
    {
        if (output is null) return;
        if (Service is not null)
            foreach (var line in Service.Lines) output.WriteLine(line.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (Service is not null) await Service.DisposeAsync();
        await CameraSim.DisposeAsync();
        foreach (var provider in _providers) provider.Dispose();
        await Server.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [GeneratedRegex(@"^(?<local>\d{8}T\d{6})(?<sign>[+-])(?<hh>\d{2})(?<mm>\d{2})\.mp4$")]
    private static partial Regex SegmentFileName();

    [GeneratedRegex(@": segment (?<file>\S+\.mp4) closed \((?<sec>[\d.?]+) s, (?<mib>[\d.]+) MB\)")]
    private static partial Regex ClosedLine();

    [GeneratedRegex(@"→ cloud: uploaded (?<key>\S+), verified \((?<what>[^)]*)\) in")]
    private static partial Regex UploadedLine();
}
