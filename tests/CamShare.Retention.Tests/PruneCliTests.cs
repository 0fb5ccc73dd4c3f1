using CamShare.Core.Storage.Local;
using CamShare.Retention.Tests.Support;
using CamShare.Testing;
using Xunit;

namespace CamShare.Retention.Tests;

/// <summary>`camshare prune` as a person runs it: the real executable, a config file, a local storage.</summary>
public sealed class PruneCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-prune-cli-").FullName;
    private string Folder => Path.Combine(_dir, "nas");
    private string ConfigPath => Path.Combine(_dir, "camshare.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void WriteConfig(string retention) =>
        File.WriteAllText(ConfigPath, RetentionConfigTests.Config(retention, Folder, Path.Combine(_dir, "spool"))
            .Replace("""[ { "name": "porch", "url": "rtsp://192.168.1.20:554/stream1", "destinations": ["nas"] } ]""",
                """[ { "name": "porch", "url": "rtsp://192.168.1.20:554/stream1", "destinations": ["nas"] }, { "name": "garage", "url": "rtsp://192.168.1.21:554/stream1", "destinations": ["nas"] } ]""",
                StringComparison.Ordinal));

    [Fact]
    public async Task A_dry_run_prints_every_key_it_would_delete_and_deletes_nothing_then_prune_deletes_the_same_keys()
    {
        // Three hours before now: no segment lies within hours of the 10-day line, however long the run takes.
        var seedNow = DateTimeOffset.UtcNow.AddHours(-3);
        var seeded = await SeededRemote.SeedAsync(new LocalStorageProvider(new LocalStorageOptions { Path = Folder }), now: seedNow);
        WriteConfig("""{ "days": 10 }""");
        var old = seeded.Segments.Where(s => s.Start < seedNow.AddHours(3).AddDays(-10)).ToList();
        var expected = old.Select(s => $"nas:{s.Key}").Order(StringComparer.Ordinal).ToList();
        var before = SeededRemote.Sorted(Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories));

        var dry = await CamShareCli.RunAsync(["prune", "--dry-run", "--config", ConfigPath]);
        Assert.True(dry.ExitCode == 0, dry.StandardOutput + dry.StandardError);
        var listed = Keys(dry.StandardOutput, "would delete ");
        Assert.Equal(expected, listed.Order(StringComparer.Ordinal).ToList());
        Assert.Contains($"retention 'nas': would delete {old.Count} segment(s)", dry.StandardOutput);
        Assert.Equal(before, SeededRemote.Sorted(Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories)));

        var real = await CamShareCli.RunAsync(["prune", "--destination", "nas", "--config", ConfigPath]);
        Assert.True(real.ExitCode == 0, real.StandardOutput + real.StandardError);
        Assert.Equal(listed, Keys(real.StandardOutput, "deleted "));
        Assert.Contains($"retention 'nas': deleted {old.Count} segment(s)", real.StandardOutput);
        var survivors = seeded.Segments.Except(old).Select(s => s.Key).Concat(seeded.Foreign)
            .Select(k => Path.Combine(Folder, k.Replace('/', Path.DirectorySeparatorChar)));
        Assert.Equal(SeededRemote.Sorted(survivors), SeededRemote.Sorted(Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories)));
    }

    [Theory]
    [InlineData("""{ "days": 0 }""", "storages[0].retention.days")]
    [InlineData("""{ "maxGb": -1 }""", "storages[0].retention.maxGb")]
    public async Task A_setting_that_would_delete_everything_exits_2_naming_the_key(string retention, string key)
    {
        WriteConfig(retention);
        foreach (var verb in new[] { "prune", "run", "check" })
        {
            var result = await CamShareCli.RunAsync([verb, "--config", ConfigPath]);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains($"config error: {key}:", result.StandardError);
            Assert.Contains("would delete every recording", result.StandardError);
            Assert.DoesNotContain("   at ", result.StandardError); // no stack trace
        }
        Assert.False(Directory.Exists(Folder));
    }

    [Fact]
    public async Task An_unknown_destination_is_a_usage_error()
    {
        WriteConfig("""{ "days": 10 }""");
        var result = await CamShareCli.RunAsync(["prune", "--destination", "cloud", "--config", ConfigPath]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'cloud' names no storage; defined storages: nas", result.StandardError);
    }

    [Fact]
    public async Task Providers_prints_the_retention_keys_every_storage_takes()
    {
        var result = await CamShareCli.RunAsync(["providers"]);
        var section = result.StandardOutput[result.StandardOutput.IndexOf("every storage, whatever its provider, also takes:", StringComparison.Ordinal)..];
        Assert.Contains("\"retention\": { ... }", section);
        Assert.Matches(@"\n    days +Keep recordings that started less than this many days ago", section);
        Assert.Matches(@"\n    maxGb +Keep at most this many GB", section);
        Assert.Matches(@"\n    intervalMinutes +.*\(default 60\)", section);
    }

    private static List<string> Keys(string output, string verb) =>
        output.Split('\n').Where(l => l.StartsWith(verb, StringComparison.Ordinal))
            .Select(l => l[verb.Length..l.IndexOf(" (", StringComparison.Ordinal)]).ToList();
}
