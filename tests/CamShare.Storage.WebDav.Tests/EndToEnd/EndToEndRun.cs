using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CamShare.Abstractions;
using CamShare.Core.Spool;
using CamShare.Storage.WebDav.Tests.Fixtures;
using CamShare.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CamShare.Storage.WebDav.Tests.EndToEnd;

/// <summary>Real parts only, one test in flight at a time: a camera (x264), ffmpeg and camshare share 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "camshare run end to end";
}

/// <summary>
/// One end-to-end run: the RTSP camera simulator, a config file in a temporary folder and `camshare run` as a real
/// process uploading to a WebDAV fixture through the plugin in artifacts/plugins (loaded like a third party's).
/// </summary>
internal sealed partial class EndToEndRun : IAsyncDisposable
{
    public const string CameraName = "hof-1";
    public const string Destination = "dav";
    // Camera names are [A-Za-z0-9_-]: the space and the non-ASCII letter come from the template; the '+' from the
    // file names (Europe/Berlin: +0100 or +0200).
    public const string KeyTemplate = "Gäste Kamera/{camera}/{yyyyMMdd}/{HH}/{file}";
    public const string TimeZone = "Europe/Berlin";
    public const string RtspUser = "viewer";
    public const string RtspPassword = "k@m:pa/ss%w0rd";
    public const string RtspPasswordVariable = "E2E_RTSP_PASSWORD";
    public const string DavPasswordVariable = "E2E_DAV_PASSWORD";
    public const int SegmentSeconds = 3;

    private readonly WebDavServerFixture _server;

    private EndToEndRun(WebDavServerFixture server, string root, string davPassword, RtspCamera camera, CamShareService camshare)
    {
        _server = server;
        Root = root;
        DavPassword = davPassword;
        Camera = camera;
        CamShare = camshare;
    }

    public string Root { get; }
    public string DavPassword { get; }
    public RtspCamera Camera { get; }
    public CamShareService CamShare { get; }
    public string SpoolPath => Path.Combine(Root, "spool");
    public string RecFolder => SegmentSpool.RecordingFolderOf(SpoolPath, CameraName);

    private static ITestOutputHelper? Log => TestContext.Current.TestOutputHelper;

    /// <summary>Starts the camera and `camshare run` against <paramref name="server"/>; returns once camshare records.</summary>
    /// <param name="authentication">The storage's authentication setting (digest for Apache, basic for nginx).</param>
    /// <param name="davPassword">The WebDAV password given to camshare (the server's by default).</param>
    public static async Task<EndToEndRun> StartAsync(WebDavServerFixture server, string authentication, string? davPassword = null)
    {
        // The host does not reference the WebDAV provider: camshare can only get it from artifacts/plugins.
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(CamShareCli.Dll)!, "CamShare.Storage.WebDav.dll")),
            "the WebDAV provider is beside camshare.dll, so the test would not load it as a plugin");
        Assert.True(File.Exists(Path.Combine(RepoPaths.Plugins, "CamShare.Storage.WebDav", "CamShare.Storage.WebDav.dll")),
            "the WebDAV plugin was not built into artifacts/plugins");
        var root = Directory.CreateTempSubdirectory("camshare-e2e-dav-").FullName;
        davPassword ??= WebDavServerFixture.Password;
        var camera = await RtspCamera.StartAsync(RtspUser, RtspPassword);
        var options = server.Options();
        var storage = new Dictionary<string, object?>
        {
            ["name"] = Destination,
            ["provider"] = "webdav",
            ["baseUrl"] = options.BaseUrl,
            ["username"] = options.Username,
            ["passwordEnv"] = DavPasswordVariable,
            ["rootFolder"] = options.RootFolder,
            ["authentication"] = authentication,
            ["certificateFingerprint"] = options.CertificateFingerprint,
            ["timeoutSeconds"] = 10,
        };
        var config = new
        {
            cameras = new[]
            {
                new
                {
                    name = CameraName, url = camera.Url, username = RtspUser, passwordEnv = RtspPasswordVariable,
                    segmentSeconds = SegmentSeconds, timeZone = TimeZone, destinations = new[] { Destination },
                },
            },
            storages = new[] { storage.Where(p => p.Value is not null).ToDictionary() },
            keyTemplate = KeyTemplate,
            spool = new { path = Path.Combine(root, "spool") },
        };
        var configPath = Path.Combine(root, "camshare.json");
        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(config, new JsonSerializerOptions
        {
            WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        }));
        var camshare = CamShareService.Start(configPath, new Dictionary<string, string?>
        {
            [RtspPasswordVariable] = RtspPassword,
            [DavPasswordVariable] = davPassword,
            ["CAMSHARE_PLUGINS"] = null, // only the plugins this checkout built
        }, ownedMarker: root);
        var run = new EndToEndRun(server, root, davPassword, camera, camshare);
        await camshare.WaitForLinesAsync(l => l.Contains("CamShare: recording 1 camera(s)", StringComparison.Ordinal), 1,
            TimeSpan.FromSeconds(30), "camshare to start recording");
        return run;
    }

    public static bool IsClosed(string line) => SegmentLogLines.IsClosed(line);
    public static bool IsUploaded(string line) => SegmentLogLines.IsUploaded(line, "dav");

    /// <summary>Segment files camshare reported closed, in order.</summary>
    public List<(TimeSpan At, string File)> Closed => CamShare.ClosedSegments();

    /// <summary>Keys camshare reported uploaded and verified, in order.</summary>
    public List<(TimeSpan At, string Key)> Uploaded => CamShare.UploadedKeys("dav");

    public static string ExpectedKey(string file)
    {
        Assert.Matches(@"^\d{8}T\d{6}\+0[12]00\.mp4$", file); // Europe/Berlin local time with its offset
        Assert.True(SegmentName.TryParseStart(file, out var start), file);
        return $"Gäste Kamera/{CameraName}/{start.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/" +
               $"{start.ToString("HH", CultureInfo.InvariantCulture)}/{file}";
    }

    public Task WaitForUploadsAsync(int count, TimeSpan timeout) =>
        CamShare.WaitForLinesAsync(IsUploaded, count, timeout, $"{count} uploads");

    /// <summary>SIGTERM; camshare finalises the last segment, uploads it and exits 0.</summary>
    public async Task StopAsync()
    {
        var code = await CamShare.StopAsync();
        Assert.True(code == 0, $"camshare exited with {code}:\n{CamShare.Output}");
        Assert.Contains("CamShare: stopped;", CamShare.Output);
    }

    public async Task<List<StoredObject>> ListAsync()
    {
        using var provider = _server.CreateProvider(_server.Options());
        var list = new List<StoredObject>();
        await foreach (var o in provider.ListAsync("", CancellationToken.None)) list.Add(o);
        return list.OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The server holds exactly the segments named <paramref name="files"/>, each once, under its template key (also
    /// on the server's disk under its literal name), complete (downloaded through the provider: H.264 + AAC, decodes
    /// without an error, about one segment long) and without gaps between consecutive segments; no temporary upload
    /// file is left anywhere. Returns the objects.
    /// </summary>
    public async Task<List<StoredObject>> AssertServerHoldsExactlyAsync(IReadOnlyList<string> files)
    {
        var objects = await ListAsync();
        Assert.Equal(files.Select(ExpectedKey).Order(StringComparer.Ordinal), objects.Select(o => o.Key));
        using var provider = _server.CreateProvider(_server.Options());
        var downloads = Directory.CreateDirectory(Path.Combine(Root, "downloads")).FullName;
        var segments = new List<(DateTimeOffset Start, double Duration, string Key)>();
        foreach (var (o, i) in objects.Select((o, i) => (o, i)))
        {
            var onDisk = Path.Combine(_server.ObjectsOnDisk, o.Key); // literal name: space, 'ä', '+'
            Assert.True(File.Exists(onDisk), $"{onDisk} is not on the server's disk");
            Assert.Equal(new FileInfo(onDisk).Length, o.Size);
            var local = Path.Combine(downloads, $"{i}.mp4");
            await using (var remote = await provider.OpenReadAsync(o.Key, CancellationToken.None))
            await using (var file = File.Create(local))
                await remote.CopyToAsync(file);
            Assert.Equal(await File.ReadAllBytesAsync(onDisk), await File.ReadAllBytesAsync(local));
            var facts = await MediaFacts.ProbeAsync(local);
            Assert.True(facts.Has("h264") && facts.Has("aac"), $"{o.Key}: streams {string.Join(",", facts.Codecs)}");
            Assert.True(facts.DecodeErrors.Length == 0, $"{o.Key}: decode errors {facts.DecodeErrors}");
            Assert.True(SegmentName.TryParseStart(Path.GetFileName(o.Key), out var start));
            segments.Add((start, facts.Duration, o.Key));
            Log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{o.Key}: {facts.Duration:0.000} s, {o.Size} bytes"));
        }
        // Inner segments are one segment long (cuts on the first key frame after each boundary; a GOP is 1/3 s); the
        // first starts mid-period (plus what ffmpeg buffered while probing), the last ends at the stop (it may be
        // a fraction of a second when the SIGTERM comes right after a cut).
        for (var i = 0; i < segments.Count; i++)
        {
            var (low, high) = i == 0 || i == segments.Count - 1 ? (0.05, SegmentSeconds + 2.6) : (SegmentSeconds - 0.6, SegmentSeconds + 0.6);
            Assert.True(segments[i].Duration >= low && segments[i].Duration <= high,
                string.Create(CultureInfo.InvariantCulture, $"{segments[i].Key} lasts {segments[i].Duration:0.000} s"));
        }
        for (var i = 1; i < segments.Count; i++)
        {
            var gap = (segments[i].Start - segments[i - 1].Start).TotalSeconds - segments[i - 1].Duration;
            Assert.True(gap <= 1.0, string.Create(CultureInfo.InvariantCulture,
                $"gap of {gap:0.00} s between {segments[i - 1].Key} and {segments[i].Key}"));
        }
        AssertNoTemporaryFilesOnServer();
        return objects;
    }

    public void AssertNoTemporaryFilesOnServer() =>
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_server.Data, "*", SearchOption.AllDirectories),
            p => p.Contains(StorageKeys.TemporaryPrefix, StringComparison.Ordinal) || p.Contains(".davfs.tmp", StringComparison.Ordinal));

    /// <summary>After a clean stop with the server up: no segment, list or pid file in rec/, nothing left in the journal.</summary>
    public void AssertSpoolEmpty()
    {
        Assert.Empty(Directory.EnumerateFileSystemEntries(RecFolder));
        Assert.Empty(LiveJournalEntries());
    }

    /// <summary>Segments the journal still has work for (read from a copy: camshare may still be running).</summary>
    public IReadOnlyList<JournalState> LiveJournalEntries()
    {
        var copy = Path.Combine(Root, $"journal-copy-{Guid.NewGuid():N}.jsonl");
        File.Copy(Path.Combine(SpoolPath, SegmentSpool.JournalFileName), copy);
        using var journal = SegmentJournal.Open(copy, NullLogger.Instance, out var live);
        return live;
    }

    /// <summary>Neither password appears in camshare's output, plain or percent-encoded.</summary>
    public void AssertNoSecrets()
    {
        var output = CamShare.Output;
        foreach (var secret in new[] { RtspPassword, DavPassword, WebDavServerFixture.Password })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), output, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain("pa/ss", output, StringComparison.Ordinal);
    }

    /// <summary>camshare found the WebDAV plugin in artifacts/plugins (no failure concerns it), and nothing crashed.</summary>
    public void AssertCleanLog()
    {
        var output = CamShare.Output;
        Assert.DoesNotContain(CamShare.Matching(l => l.Contains("plugin not loaded", StringComparison.Ordinal)),
            l => l.Text.Contains("webdav", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotMatch(@"\n\s+at \S+\(", output); // no stack trace
        Assert.DoesNotContain("crit:", output, StringComparison.Ordinal);
    }

    /// <summary>Time from each segment's "closed" line to its "uploaded ... verified" line (object visible).</summary>
    public List<double> CloseToVisibleSeconds()
    {
        var uploaded = Uploaded;
        var result = new List<double>();
        foreach (var (at, file) in Closed)
            if (uploaded.FirstOrDefault(u => u.Key.EndsWith("/" + file, StringComparison.Ordinal)) is { Key: not null } up)
                result.Add((up.At - at).TotalSeconds);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CamShare.DisposeAsync();
            Log?.WriteLine("camshare output:\n" + CamShare.Output);
        }
        finally
        {
            await Camera.DisposeAsync();
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
