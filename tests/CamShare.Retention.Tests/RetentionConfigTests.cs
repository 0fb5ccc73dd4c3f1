using CamShare.Core.Configuration;
using CamShare.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CamShare.Retention.Tests;

/// <summary>The "retention" section of a storage: bound strictly, and a rule that would delete everything refused.</summary>
public sealed class RetentionConfigTests : IDisposable
{
    private static readonly ProviderCatalog Catalog = PluginLoader.LoadAll(new ServiceCollection(), []);
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-retention-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CamShareSettings Load(string retention)
    {
        var path = Path.Combine(_dir, "camshare.json");
        File.WriteAllText(path, Config(retention));
        return new ConfigLoader(_ => null).Load(ConfigLoader.Read(path), Catalog);
    }

    internal static string Config(string retention, string folder = "/srv/camshare", string spool = "/var/lib/camshare/spool") => $$"""
        {
          "cameras": [ { "name": "porch", "url": "rtsp://192.168.1.20:554/stream1", "destinations": ["nas"] } ],
          "storages": [ { "name": "nas", "provider": "local", "path": {{System.Text.Json.JsonSerializer.Serialize(folder)}}, "retention": {{retention}} } ],
          "spool": { "path": {{System.Text.Json.JsonSerializer.Serialize(spool)}} }
        }
        """;

    private List<string> Problems(string retention) =>
        Assert.Throws<ConfigException>(() => Load(retention)).Problems.Select(p => p.ToString()).ToList();

    [Fact]
    public void Days_size_and_interval_bind_and_the_interval_defaults_to_an_hour()
    {
        var retention = Load("""{ "days": 30, "maxGb": 0.5 }""").Storages[0].Retention!;
        Assert.Equal(30, retention.Days);
        Assert.Equal(0.5, retention.MaxGb);
        Assert.Equal(500_000_000, retention.MaxBytes);
        Assert.Equal(60, retention.IntervalMinutes);
        Assert.Equal(15, Load("""{ "maxGb": 100, "intervalMinutes": 15 }""").Storages[0].Retention!.IntervalMinutes);
    }

    [Fact]
    public void The_local_sample_config_carries_a_valid_retention_section()
    {
        var path = Path.Combine(CamShare.Testing.RepoPaths.Root, "samples", "local.json");
        var retention = new ConfigLoader(_ => "x").Load(ConfigLoader.Read(path), Catalog).Storages[0].Retention!;
        Assert.Equal(30, retention.Days);
        Assert.Equal(500, retention.MaxGb);
    }

    [Fact]
    public void A_storage_without_a_retention_section_keeps_everything()
    {
        var path = Path.Combine(_dir, "camshare.json");
        File.WriteAllText(path, Config("{}").Replace(", \"retention\": {}", "", StringComparison.Ordinal));
        Assert.Null(new ConfigLoader(_ => null).Load(ConfigLoader.Read(path), Catalog).Storages[0].Retention);
    }

    [Theory]
    [InlineData("""{ "days": 0 }""", "storages[0].retention.days: 0 would delete every recording")]
    [InlineData("""{ "days": -3 }""", "storages[0].retention.days: -3 would delete every recording")]
    [InlineData("""{ "maxGb": 0 }""", "storages[0].retention.maxGb: 0 would delete every recording")]
    [InlineData("""{ "maxGb": -1.5, "days": 30 }""", "storages[0].retention.maxGb: -1.5 would delete every recording")]
    [InlineData("""{ "days": 30, "intervalMinutes": 0 }""", "storages[0].retention.intervalMinutes: 0 is out of range")]
    [InlineData("""{ "intervalMinutes": 30 }""", "storages[0].retention: sets no rule; add \"days\"")]
    [InlineData("""{ "dayz": 30 }""", "storages[0].retention.dayz")]
    [InlineData("""{ "days": "thirty" }""", "storages[0].retention.days")]
    [InlineData("30", "storages[0].retention: expected an object")]
    public void A_rule_that_would_delete_everything_or_is_mistyped_is_refused_naming_the_key(string retention, string expected)
    {
        var problems = Problems(retention);
        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_refusal_says_how_to_fix_it()
    {
        var problem = Assert.Single(Problems("""{ "days": 0 }"""));
        Assert.Contains("at least 1", problem);
        Assert.Contains("remove \"days\"", problem);
    }
}
