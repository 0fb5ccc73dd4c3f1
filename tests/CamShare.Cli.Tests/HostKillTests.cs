using System.Text.RegularExpressions;
using CamShare.Testing;
using Xunit;

namespace CamShare.Cli.Tests;

/// <summary>
/// The real `camshare run` process is SIGKILLed while uploads to one destination are pending; a second run on the
/// same spool delivers every segment to every destination exactly once, and stops the orphaned ffmpeg.
/// </summary>
public sealed class HostKillTests : IAsyncLifetime
{
    private const string User = "admin";
    private const string Password = "pa:ss@w/rd%1";
    private readonly string _root = Directory.CreateTempSubdirectory("camshare-kill-").FullName;
    private RtspCamera? _camera;

    public async ValueTask InitializeAsync() => _camera = await RtspCamera.StartAsync(User, Password);

    public async ValueTask DisposeAsync()
    {
        if (_camera is not null) await _camera.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact(Timeout = 180_000)]
    public async Task Camshare_killed_with_uploads_pending_delivers_every_segment_exactly_once_after_restart()
    {
        var good = Path.Combine(_root, "good");
        var blocked = Path.Combine(_root, "blocked");
        var spool = Path.Combine(_root, "spool");
        File.WriteAllText(blocked, "a file where the storage folder should be: every upload to it fails (transient)");
        var config = Path.Combine(_root, "camshare.json");
        File.WriteAllText(config, $$"""
            {
              "cameras": [ { "name": "cam1", "url": "{{_camera!.Url}}", "username": "{{User}}", "passwordEnv": "CAM1_PASSWORD",
                             "segmentSeconds": 3, "destinations": ["good", "blocked"] } ],
              "storages": [ { "name": "good", "provider": "local", "path": "{{good}}" },
                            { "name": "blocked", "provider": "local", "path": "{{blocked}}" } ],
              "spool": { "path": "{{spool}}" }
            }
            """);

        var first = StartCamshare(config);
        await WaitForAsync(first, o => Uploads(o, "good").Count >= 3, "three segments uploaded to 'good'");
        await first.KillAsync();
        var firstOutput = first.Output;
        await first.DisposeAsync();

        var verifiedBeforeKill = Uploads(firstOutput, "good");
        Assert.Empty(Uploads(firstOutput, "blocked"));
        var mtimes = verifiedBeforeKill.ToDictionary(k => k, k => File.GetLastWriteTimeUtc(Path.Combine(good, k)));

        File.Delete(blocked); // the storage comes back
        var second = StartCamshare(config);
        await WaitForAsync(second, o => verifiedBeforeKill.All(k => Uploads(o, "blocked").Contains(k)) && Uploads(o, "good").Count >= 2,
            "the backlog delivered to 'blocked' and new segments recorded");
        await second.StopAsync(TimeSpan.FromSeconds(40));
        var secondOutput = second.Output;
        Assert.Equal(0, second.ExitCode);

        // Exactly once per destination: no key uploaded twice to the same storage across both runs...
        var all = firstOutput + secondOutput;
        foreach (var storage in new[] { "good", "blocked" })
        {
            var uploads = Uploads(all, storage);
            Assert.Equal(uploads.Count, uploads.Distinct().Count());
        }
        // ...segments verified before the kill were not sent again...
        Assert.Empty(Uploads(secondOutput, "good").Intersect(verifiedBeforeKill));
        foreach (var (key, mtime) in mtimes) Assert.Equal(mtime, File.GetLastWriteTimeUtc(Path.Combine(good, key)));
        // ...and both storages hold the same complete set, every file playable.
        var inGood = Files(good);
        Assert.Equal(inGood, Files(blocked));
        Assert.Equal(Uploads(all, "good").Order(StringComparer.Ordinal), inGood);
        foreach (var key in inGood)
        {
            var facts = await MediaFacts.ProbeAsync(Path.Combine(good, key));
            Assert.True(facts.Has("h264") && facts.Has("aac"), $"{key}: streams {string.Join(",", facts.Codecs)}");
            Assert.True(facts.DecodeErrors.Length == 0, $"{key}: {facts.DecodeErrors}");
        }
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(spool, "cam1", "rec"), "*.mp4"));
        Assert.Contains("still recording", secondOutput); // the orphaned ffmpeg of the killed run was found and stopped
        Assert.Empty(CamShareService.ProcessesWithCommandLineContaining(spool)); // no ffmpeg outlives the stop
        Assert.DoesNotContain(Password, all);
        Assert.DoesNotContain(Uri.EscapeDataString(Password), all);
    }

    private static ServerProcess StartCamshare(string config) =>
        ServerProcess.Start("dotnet", [CamShareCli.Dll, "run", "--config", config],
            new Dictionary<string, string?> { ["CAM1_PASSWORD"] = Password });

    private static List<string> Uploads(string output, string storage) =>
        Regex.Matches(output, $@"→ {storage}: uploaded (\S+\.mp4), verified").Select(m => m.Groups[1].Value).ToList();

    private static List<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*.mp4", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    private static async Task WaitForAsync(ServerProcess process, Func<string, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition(process.Output))
        {
            if (process.HasExited) throw new InvalidOperationException($"camshare exited while waiting for {what}:\n{process.Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {what} after 60 s:\n{process.Output}");
            await Task.Delay(200);
        }
    }
}
