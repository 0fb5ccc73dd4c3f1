using System.Diagnostics;
using CamShare.Testing;
using Xunit;

namespace CamShare.Cli.Tests;

/// <summary>Command-line mistakes exit 2; warnings for working but unsafe settings; what ffmpeg's environment holds.</summary>
public sealed class UsageAndEnvironmentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-usage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("run", "--config")]
    [InlineData("check", "--no-such-option")]
    public async Task A_usage_error_exits_2_and_points_to_help(params string[] arguments)
    {
        var result = await CamShareCli.RunAsync(arguments);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("camshare --help", result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError);
    }

    [Fact]
    public async Task A_password_inside_the_camera_url_is_warned_about_without_showing_it()
    {
        var config = Path.Combine(_dir, "camshare.json");
        File.WriteAllText(config, $$"""
            { "cameras": [ { "name": "porch", "url": "rtsp://admin:Inline-Pw-77@127.0.0.1:1/s", "destinations": ["nas"] } ],
              "storages": [ { "name": "nas", "provider": "local", "path": "{{Path.Combine(_dir, "nas")}}" } ],
              "spool": { "path": "{{Path.Combine(_dir, "spool")}}" } }
            """);
        var result = await CamShareCli.RunAsync(["check", "--config", config, "--skip-cameras"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("WARN  config cameras[0].url: has a password in it", result.StandardOutput);
        Assert.Contains("passwordFile", result.StandardOutput);
        Assert.DoesNotContain("Inline-Pw-77", result.StandardOutput + result.StandardError);
    }

    [Fact]
    public async Task Ffmpeg_gets_only_the_basic_environment_never_camshares_secrets()
    {
        const string secret = "env-Secret-for-a-storage-only";
        var config = Path.Combine(_dir, "camshare.json");
        File.WriteAllText(config, $$"""
            { "cameras": [ { "name": "demo", "url": "demo:", "segmentSeconds": 2, "destinations": ["nas"] } ],
              "storages": [ { "name": "nas", "provider": "local", "path": "{{Path.Combine(_dir, "nas")}}" } ],
              "spool": { "path": "{{Path.Combine(_dir, "spool")}}" } }
            """);
        await using var camshare = CamShareService.Start(config, new Dictionary<string, string?> { ["CAMSHARE_TEST_STORAGE_SECRET"] = secret });
        // ffprobe runs before ffmpeg records: it must find ffmpeg (the recorder), whose run lasts.
        var ffmpeg = await WaitForChildAsync(camshare.Pid, "ffmpeg", TimeSpan.FromSeconds(60));
        Assert.True(ffmpeg is not null, "no ffmpeg child appeared within 60 s:\n" + camshare.Output);
        var variables = File.ReadAllText($"/proc/{ffmpeg}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(variables, v => v.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(variables, v => v.StartsWith("CAMSHARE_", StringComparison.Ordinal));
        Assert.Contains(variables, v => v.StartsWith("PATH=", StringComparison.Ordinal));
        Assert.Equal(0, await camshare.StopAsync());
    }

    private static async Task<int?> WaitForChildAsync(int parent, string command, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var comm = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                    var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                    if (ppid == parent && comm == command) return pid;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException) { }
            }
            await Task.Delay(200);
        }
        return null;
    }
}
