using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using CamShare.Abstractions;
using CamShare.Core.Spool;
using CamShare.Storage.Sftp.Tests.Fixtures;
using CamShare.Testing;
using Xunit;

namespace CamShare.Storage.Sftp.Tests.EndToEnd;

/// <summary>Real parts only, one test in flight at a time: a camera (x264), ffmpeg and camshare share 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "camshare run to sftp end to end";
}

/// <summary>
/// One end-to-end run: the RTSP camera simulator, a config file in a temporary folder and `camshare run` as a real
/// process uploading to the fixture's sshd through the SFTP plugin in artifacts/plugins (loaded like a third
/// party's). The spool keeps every verified segment (keepLocal), so each remote object can be compared with it.
/// </summary>
internal sealed partial class SftpEndToEndRun : IAsyncDisposable
{
    public const string CameraName = "hof-1";
    public const string Destination = "nas";
    public const string KeyTemplate = "Gäste Kamera/{camera}/{yyyyMMdd}/{HH}/{file}";
    public const string RtspUser = "viewer";
    public const string RtspPassword = "k@m:pa/ss%w0rd";
    public const int SegmentSeconds = 3;

    private SftpEndToEndRun(string root, RtspCamera camera, CamShareService camshare)
    {
        Root = root;
        Camera = camera;
        CamShare = camshare;
    }

    public string Root { get; }
    public RtspCamera Camera { get; }
    public CamShareService CamShare { get; }
    public string SpoolPath => Path.Combine(Root, "spool");
    public string RecFolder => SegmentSpool.RecordingFolderOf(SpoolPath, CameraName);
    public string KeptFolder => Path.Combine(SpoolPath, CameraName, SegmentSpool.KeptFolder);

    /// <summary>Starts the camera and `camshare run`, logging in with the fixture's ed25519 key file
    /// (<c>privateKeyFile</c>) and the host key fingerprint as ssh-keygen prints it.</summary>
    public static async Task<SftpEndToEndRun> StartAsync(SftpServerFixture server, string? hostKeyFingerprint = null)
    {
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(CamShareCli.Dll)!, "CamShare.Storage.Sftp.dll")),
            "the SFTP provider is beside camshare.dll, so the test would not load it as a plugin");
        Assert.True(File.Exists(Path.Combine(RepoPaths.Plugins, "CamShare.Storage.Sftp", "CamShare.Storage.Sftp.dll")),
            "the SFTP plugin was not built into artifacts/plugins");
        var root = Directory.CreateTempSubdirectory("camshare-e2e-sftp-").FullName;
        var camera = await RtspCamera.StartAsync(RtspUser, RtspPassword);
        var config = new
        {
            cameras = new[]
            {
                new
                {
                    name = CameraName, url = camera.Url, username = RtspUser, passwordEnv = "E2E_RTSP_PASSWORD",
                    segmentSeconds = SegmentSeconds, timeZone = "Europe/Berlin", destinations = new[] { Destination },
                },
            },
            storages = new object[]
            {
                new
                {
                    name = Destination, provider = "sftp", host = "127.0.0.1", port = server.Server.Port,
                    username = OpenSshServer.User, privateKeyFile = server.Server.ClientKeyPath,
                    hostKeyFingerprint = hostKeyFingerprint ?? server.Server.HostKeyFingerprint, rootFolder = server.RootFolder,
                    connectTimeoutSeconds = 3, operationTimeoutSeconds = 10, maxConnections = 2,
                },
            },
            keyTemplate = KeyTemplate,
            spool = new { path = Path.Combine(root, "spool"), keepLocal = true },
        };
        var configPath = Path.Combine(root, "camshare.json");
        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(config, new JsonSerializerOptions
        {
            WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));
        var camshare = CamShareService.Start(configPath, new Dictionary<string, string?>
        {
            ["E2E_RTSP_PASSWORD"] = RtspPassword,
            ["CAMSHARE_PLUGINS"] = null, // only the plugins this checkout built
        }, ownedMarker: root);
        var run = new SftpEndToEndRun(root, camera, camshare);
        await camshare.WaitForLinesAsync(l => l.Contains("CamShare: recording 1 camera(s)", StringComparison.Ordinal), 1,
            TimeSpan.FromSeconds(30), "camshare to start recording");
        return run;
    }

    public static bool IsClosed(string line) => SegmentLogLines.IsClosed(line);
    public static bool IsUploaded(string line) => SegmentLogLines.IsUploaded(line, Destination);

    public List<string> Closed => [.. CamShare.ClosedSegments().Select(c => c.File)];

    public List<string> Uploaded => [.. CamShare.UploadedKeys(Destination).Select(u => u.Key)];

    public static string ExpectedKey(string file)
    {
        Assert.True(SegmentName.TryParseStart(file, out var start), file);
        return $"Gäste Kamera/{CameraName}/{start.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/" +
               $"{start.ToString("HH", CultureInfo.InvariantCulture)}/{file}";
    }

    /// <summary>SIGTERM; camshare finalises the last segment, uploads it and exits 0.</summary>
    public async Task StopAsync()
    {
        var code = await CamShare.StopAsync();
        Assert.True(code == 0, $"camshare exited with {code}:\n{CamShare.Output}");
    }

    /// <summary>
    /// The server's disk holds exactly the closed segments under their template keys, each byte-for-byte (MD5) the
    /// file camshare kept locally, playable (H.264 + AAC, no decode error); no temporary file is left.
    /// </summary>
    public async Task AssertEverySegmentArrivedIntactAsync(SftpServerFixture server, IReadOnlyList<string> closed)
    {
        var onServer = Directory.EnumerateFiles(server.RootFolder, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(server.RootFolder, p)).Order(StringComparer.Ordinal).ToList();
        Assert.DoesNotContain(onServer, StorageKeys.IsTemporary);
        Assert.Equal(closed.Select(ExpectedKey).Order(StringComparer.Ordinal), onServer);
        foreach (var file in closed)
        {
            var remote = Path.Combine(server.RootFolder, ExpectedKey(file));
            var local = Path.Combine(KeptFolder, file);
            Assert.True(File.Exists(local), $"{file} is not in the spool's kept folder");
            Assert.Equal(Md5(local), Md5(remote));
            var facts = await MediaFacts.ProbeAsync(remote);
            Assert.True(facts.Has("h264") && facts.Has("aac"), $"{file}: streams {string.Join(",", facts.Codecs)}");
            Assert.True(facts.DecodeErrors.Length == 0, $"{file}: decode errors {facts.DecodeErrors}");
            TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{ExpectedKey(file)}: {facts.Duration:0.000} s, {new FileInfo(remote).Length} bytes, md5 equal"));
        }
    }

    /// <summary>No secret reaches camshare's output (the RTSP password; the key file's contents).</summary>
    public void AssertNoSecrets(SftpServerFixture server)
    {
        var output = CamShare.Output;
        Assert.DoesNotContain(RtspPassword, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(RtspPassword), output, StringComparison.OrdinalIgnoreCase);
        foreach (var line in File.ReadAllLines(server.Server.ClientKeyPath).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))
            Assert.DoesNotContain(line, output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\n\s+at \S+\(", output); // no stack trace
        Assert.DoesNotContain("crit:", output, StringComparison.Ordinal);
    }

    private static string Md5(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CamShare.DisposeAsync();
            TestContext.Current.TestOutputHelper?.WriteLine("camshare output:\n" + CamShare.Output);
        }
        finally
        {
            await Camera.DisposeAsync();
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
