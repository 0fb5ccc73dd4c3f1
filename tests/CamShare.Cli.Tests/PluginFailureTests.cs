using CamShare.Testing;
using Xunit;

namespace CamShare.Cli.Tests;

/// <summary>A plugin that cannot load is reported with its DLL and cause; it stops the start only when needed.</summary>
public sealed class PluginFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-pluginfail-").FullName;

    public PluginFailureTests()
    {
        // A third party's plugin whose dependency is missing from its folder.
        var source = Path.Combine(RepoPaths.Root, "artifacts", "test-plugins", "CamShare.TestPlugin");
        var target = Path.Combine(_dir, "plugins", "CamShare.TestPlugin");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source).Where(f => !f.Contains(".Dependency.", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Config(string provider, string extra) => WriteConfig($$"""
        { "cameras": [ { "name": "demo", "url": "demo:", "destinations": ["store"] } ],
          "storages": [ { "name": "store", "provider": "{{provider}}", {{extra}} } ],
          "spool": { "path": "{{Path.Combine(_dir, "spool")}}" },
          "plugins": { "folders": ["plugins"] } }
        """);

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_dir, $"camshare-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task A_broken_plugin_no_storage_needs_is_a_warning_only()
    {
        var result = await CamShareCli.RunAsync(["check", "--skip-cameras", "--config",
            Config("local", $"\"path\": \"{Path.Combine(_dir, "nas")}\"")]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("WARN  plugin not loaded (no configured storage needs it): ", result.StandardOutput);
        Assert.Contains("CamShare.TestPlugin.dll: missing dependency", result.StandardOutput);
    }

    [Fact]
    public async Task A_broken_plugin_a_storage_needs_stops_the_start_naming_the_dll_and_the_cause()
    {
        var result = await CamShareCli.RunAsync(["check", "--skip-cameras", "--config", Config("testplugin", "\"marker\": \"x\"")]);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("config error: storages[0].provider: unknown provider 'testplugin'", line);
        Assert.Contains(Path.Combine("CamShare.TestPlugin", "CamShare.TestPlugin.dll") + ": missing dependency", line);
        Assert.Contains("CamShare.TestPlugin.Dependency", line);
    }

    [Fact]
    public async Task Run_refuses_to_start_when_a_needed_plugin_is_broken()
    {
        var result = await CamShareCli.RunAsync(["run", "--config", Config("testplugin", "\"marker\": \"x\"")]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown provider 'testplugin'", result.StandardError);
    }
}
