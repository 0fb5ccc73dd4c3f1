using System.Security.Cryptography;
using System.Text.Json;
using CamShare.Abstractions;
using CamShare.Core.Spool;
using CamShare.Storage.Ftp.Tests.Fixtures;
using CamShare.Testing;
using Xunit;

namespace CamShare.Storage.Ftp.Tests.EndToEnd;

/// <summary>Real parts only, one run at a time: a camera (x264), ffmpeg and camshare share 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "camshare run to ftp end to end";
}

/// <summary>
/// camera → `camshare run` → FTPS (explicit TLS, pinned self-signed certificate) through the plugin in
/// artifacts/plugins; the FTP server is stopped while camshare records and started again: every segment arrives
/// once, MD5-equal to the recorded file and playable. A wrong password is an authentication failure in `check`.
/// </summary>
public abstract class FtpEndToEndTests<TFixture>(TFixture server) : IClassFixture<TFixture> where TFixture : FtpServerFixture
{
    private const string Camera = "porch";
    private const string RtspPassword = "ftp-e2e:cam/pw";

    [Fact(Timeout = 180_000)]
    public async Task Server_down_mid_run_every_segment_arrives_once_md5_equal_and_playable()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.Plugins, "CamShare.Storage.Ftp", "CamShare.Storage.Ftp.dll")), "the FTP plugin is not built");
        var root = Directory.CreateTempSubdirectory("camshare-e2e-ftp-").FullName;
        var prefix = $"e2e-{Guid.NewGuid():N}"[..16];
        await using var camera = await RtspCamera.StartAsync("viewer", RtspPassword);
        var config = Path.Combine(root, "camshare.json");
        await File.WriteAllTextAsync(config, Config(root, camera.Url, prefix, server.Password), TestContext.Current.CancellationToken);
        try
        {
            await using var camshare = CamShareService.Start(config, new Dictionary<string, string?> { ["E2E_RTSP_PASSWORD"] = RtspPassword }, ownedMarker: root);
            await camshare.WaitForLinesAsync(IsUploaded, 1, TimeSpan.FromSeconds(60), "a first upload");
            await server.StopServerAsync();
            var closedBefore = Closed(camshare).Count;
            await camshare.WaitForLinesAsync(IsClosed, closedBefore + 3, TimeSpan.FromSeconds(40), "3 segments closed while the server is down");
            await server.StartServerAsync();
            var backlog = Closed(camshare);
            await camshare.WaitUntilAsync(() => backlog.All(f => Uploaded(camshare).Any(k => k.EndsWith("/" + f, StringComparison.Ordinal))),
                TimeSpan.FromSeconds(90), "the backlog uploaded after the server's return");
            Assert.Equal(0, await camshare.StopAsync());

            var closed = Closed(camshare);
            var uploaded = Uploaded(camshare);
            Assert.Equal(uploaded.Count, uploaded.Distinct().Count()); // each once
            var folder = Path.Combine(server.ObjectsOnDisk, prefix);
            var onServer = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(folder, p)).ToList();
            Assert.DoesNotContain(onServer, StorageKeys.IsTemporary);
            Assert.Equal(closed.Count, onServer.Count);
            var kept = Path.Combine(root, "spool", Camera, SegmentSpool.KeptFolder);
            foreach (var file in closed)
            {
                var remote = Assert.Single(onServer, p => p.EndsWith("/" + file, StringComparison.Ordinal));
                Assert.Equal(Md5(Path.Combine(kept, file)), Md5(Path.Combine(folder, remote)));
                var facts = await MediaFacts.ProbeAsync(Path.Combine(folder, remote));
                Assert.True(facts.Has("h264") && facts.Has("aac") && facts.DecodeErrors.Length == 0, $"{file}: {string.Join(",", facts.Codecs)} {facts.DecodeErrors}");
            }
            Assert.DoesNotContain(RtspPassword, camshare.Output);
            Assert.DoesNotContain(server.Password, camshare.Output);
        }
        finally
        {
            if (!server.IsServerRunning) await server.StartServerAsync();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_wrong_password_is_an_authentication_failure_without_the_password()
    {
        var root = Directory.CreateTempSubdirectory("camshare-e2e-ftp-").FullName;
        try
        {
            var config = Path.Combine(root, "camshare.json");
            await File.WriteAllTextAsync(config, Config(root, "demo:", "wrong", FtpServerFixture.WrongPassword), TestContext.Current.CancellationToken);
            var check = await CamShareCli.RunAsync(["check", "--config", config, "--skip-cameras"]);
            Assert.Equal(1, check.ExitCode);
            Assert.Contains("FAIL  storage nas (ftp): write: authentication failed", check.StandardOutput);
            Assert.DoesNotContain(FtpServerFixture.WrongPassword, check.StandardOutput + check.StandardError);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private string Config(string root, string cameraUrl, string prefix, string password) => JsonSerializer.Serialize(new
    {
        cameras = new[]
        {
            cameraUrl == "demo:"
                ? (object)new { name = Camera, url = cameraUrl, destinations = new[] { "nas" } }
                : new { name = Camera, url = cameraUrl, username = "viewer", passwordEnv = "E2E_RTSP_PASSWORD", segmentSeconds = 3, destinations = new[] { "nas" } },
        },
        storages = new[]
        {
            new
            {
                name = "nas", provider = "ftp", host = FtpServerFixture.Host, port = server.Port, username = server.User, password,
                tlsMode = "explicit", certificateFingerprint = server.CertificateFingerprint, rootFolder = server.RootFolder, timeoutSeconds = 10,
            },
        },
        keyTemplate = prefix + "/{camera}/{yyyyMMdd}/{HH}/{file}",
        spool = new { path = Path.Combine(root, "spool"), keepLocal = true },
        status = new { listen = "off" },
    });

    private static bool IsClosed(string line) => SegmentLogLines.IsClosed(line);
    private static bool IsUploaded(string line) => SegmentLogLines.IsUploaded(line, "nas");
    private static List<string> Closed(CamShareService s) => [.. s.ClosedSegments().Select(c => c.File)];
    private static List<string> Uploaded(CamShareService s) => [.. s.UploadedKeys("nas").Select(u => u.Key)];

    private static string Md5(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }
}

[Collection(EndToEndCollection.Name)]
public sealed class ProftpdEndToEndTests(ProftpdFixture server) : FtpEndToEndTests<ProftpdFixture>(server);

[Collection(EndToEndCollection.Name)]
public sealed class VsftpdEndToEndTests(VsftpdFixture server) : FtpEndToEndTests<VsftpdFixture>(server);
