using CamShare.Testing;
using Xunit;

namespace CamShare.Cli.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_dir, "camshare.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task A_bad_config_exits_2_with_one_line_per_problem_and_no_stack_trace_or_secret()
    {
        var config = WriteConfig("""
            { "cameras": [ { "name": "porch", "url": "rtsp://admin:hunter2@cam/x", "username": "admin", "destinations": ["nowhere"] } ],
              "storages": [ { "name": "nas", "provider": "local" } ] }
            """);
        var result = await CamShareCli.RunAsync(["check", "--config", config]);

        Assert.Equal(2, result.ExitCode);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("config error: cameras[0].destinations[0]: 'nowhere' names no storage"));
        Assert.Contains(lines, l => l.StartsWith("config error: storages[0].path: missing"));
        Assert.All(lines, l => Assert.StartsWith("config error: ", l));
        Assert.DoesNotContain(" at ", result.StandardError);
        Assert.DoesNotContain("hunter2", result.StandardError + result.StandardOutput);
    }

    [Fact]
    public async Task Malformed_json_exits_2()
    {
        var result = await CamShareCli.RunAsync(["check", "--config", WriteConfig("{ \"cameras\": [ ")]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("config error: ", result.StandardError);
        Assert.Contains("malformed JSON", result.StandardError);
    }

    [Fact]
    public async Task Check_writes_reads_lists_and_deletes_on_a_local_storage()
    {
        var storage = Path.Combine(_dir, "storage");
        var config = WriteConfig($$"""
            { "cameras": [ { "name": "demo", "url": "demo:", "destinations": ["nas"] } ],
              "storages": [ { "name": "nas", "provider": "local", "path": "{{storage}}" } ],
              "spool": { "path": "{{Path.Combine(_dir, "spool")}}" } }
            """);
        var result = await CamShareCli.RunAsync(["check", "--config", config]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("ok    storage nas (local): write/read/list/delete ok", result.StandardOutput);
        Assert.Contains($"ok    spool {Path.Combine(_dir, "spool")}: writable, ", result.StandardOutput);
        Assert.Contains("ok    ffmpeg: ffmpeg version", result.StandardOutput);
        Assert.Empty(Directory.EnumerateFiles(storage, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Check_fails_when_the_spool_cannot_be_written()
    {
        var file = Path.Combine(_dir, "not-a-folder");
        File.WriteAllText(file, "x");
        var config = WriteConfig($$"""
            { "cameras": [ { "name": "demo", "url": "demo:", "destinations": ["nas"] } ],
              "storages": [ { "name": "nas", "provider": "local", "path": "{{Path.Combine(_dir, "nas")}}" } ],
              "spool": { "path": "{{file}}" } }
            """);
        var result = await CamShareCli.RunAsync(["check", "--config", config]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"FAIL  spool {file}: not writable", result.StandardOutput);
    }

    [Fact]
    public async Task Check_fails_when_a_storage_cannot_be_written()
    {
        var file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "not a folder");
        var config = WriteConfig($$"""
            { "cameras": [ { "name": "demo", "url": "demo:", "destinations": ["nas"] } ],
              "storages": [ { "name": "nas", "provider": "local", "path": "{{file}}" } ] }
            """);
        var result = await CamShareCli.RunAsync(["check", "--config", config]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  storage nas (local): write:", result.StandardOutput);
    }

    [Fact]
    public async Task Check_reports_each_unreachable_storage_as_one_failed_line_without_logger_output()
    {
        // Nothing listens on port 1: every storage fails. Plugins come from artifacts/plugins (built with the solution).
        var config = WriteConfig($$"""
            { "cameras": [ { "name": "demo", "url": "demo:", "destinations": ["nas", "s3", "dav"] } ],
              "storages": [ { "name": "nas", "provider": "local", "path": "{{Path.Combine(_dir, "nas")}}" },
                            { "name": "s3", "provider": "s3", "bucket": "b", "endpoint": "http://127.0.0.1:1", "region": "us-east-1",
                              "accessKeyId": "AKIDCHECK", "secretAccessKey": "Check-S3cret-1" },
                            { "name": "dav", "provider": "webdav", "baseUrl": "http://127.0.0.1:1/dav/", "username": "u", "password": "Check-S3cret-2" } ],
              "spool": { "path": "{{Path.Combine(_dir, "spool")}}" } }
            """);
        var result = await CamShareCli.RunAsync(["check", "--config", config, "--skip-cameras"]);

        Assert.Equal(1, result.ExitCode);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("ok    storage nas (local): write/read/list/delete ok", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("FAIL  storage s3 (s3): write: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("FAIL  storage dav (webdav): write: ", StringComparison.Ordinal));
        // One line per check, each starting with its verdict: no logger blocks ("warn: Category[0]" + indented lines).
        Assert.All(lines, l => Assert.Matches(@"^(ok  |FAIL|WARN)  ", l));
        // Never "ok" for a line that reports a failure (rclone's features line once did).
        Assert.DoesNotContain(lines, l => l.StartsWith("ok", StringComparison.Ordinal) &&
                                          System.Text.RegularExpressions.Regex.IsMatch(l, "unreachable|refused|failed|exit code|error", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        Assert.DoesNotContain("Check-S3cret", result.StandardOutput + result.StandardError);
    }

    [Fact(Timeout = 120_000)]
    public async Task Demo_records_playable_segments_into_a_local_folder_and_says_where()
    {
        var output = Path.Combine(_dir, "demo-output");
        var result = await CamShareCli.RunAsync(["demo", "--output", output, "--duration", "24"], workingDirectory: _dir);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"the recordings are in {output}", result.StandardOutput);
        var files = Directory.EnumerateFiles(Path.Combine(output, "demo"), "*.mp4", SearchOption.AllDirectories).Order().ToList();
        Assert.True(files.Count >= 2, $"{files.Count} segments:\n{result.StandardOutput}");
        foreach (var file in files)
        {
            Assert.Matches(@"demo/\d{8}/\d{2}/\d{8}T\d{6}[+-]\d{4}\.mp4$", file.Replace('\\', '/'));
            var facts = await MediaFacts.ProbeAsync(file);
            Assert.True(facts.Has("h264") && facts.Has("aac"), string.Join(",", facts.Codecs));
            Assert.Empty(facts.DecodeErrors);
            // 10 s segments; a loaded machine encodes the test pattern late, which stretches one by a second or two.
            Assert.InRange(facts.Duration, 1, 12.5);
        }
        Assert.Contains(Path.GetFileName(files[0]) + " closed", result.StandardOutput);
        Assert.Contains("uploaded demo/", result.StandardOutput);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(output, ".spool"), "*.mp4", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Without_ffmpeg_the_demo_says_how_to_install_it_and_exits_3()
    {
        var result = await CamShareCli.RunAsync(["demo", "--output", Path.Combine(_dir, "out")],
            new Dictionary<string, string?> { ["PATH"] = _dir, ["CAMSHARE_FFMPEG"] = null, ["CAMSHARE_FFPROBE"] = null });
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("ffmpeg and ffprobe are needed and were not found", result.StandardError);
        Assert.Contains("sudo apt install ffmpeg", result.StandardError);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")), "nothing is created before the check");
    }

    [Fact]
    public async Task Providers_lists_the_built_in_provider_with_its_options()
    {
        var result = await CamShareCli.RunAsync(["providers"]);
        Assert.Contains("local  —  A folder on this machine", result.StandardOutput);
        Assert.Contains("path", result.StandardOutput);
        Assert.Contains("(required)", result.StandardOutput);
        Assert.Contains("capabilities: server-side hash", result.StandardOutput);
    }

    [Fact]
    public async Task Help_explains_the_verbs_and_the_exit_codes()
    {
        var result = await CamShareCli.RunAsync(["--help"]);
        Assert.Equal(0, result.ExitCode);
        foreach (var verb in new[] { "run", "demo", "check", "providers" }) Assert.Contains(verb, result.StandardOutput);
        Assert.Contains("Exit codes", result.StandardOutput);
    }
}
