using Xunit;
using CamShare.Core.Configuration;
using CamShare.Core.Plugins;
using CamShare.Core.Storage.Local;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Core.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-config-").FullName;
    private readonly Dictionary<string, string> _environment = new();
    private static readonly ProviderCatalog Catalog = PluginLoader.LoadAll(new ServiceCollection(), []);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CamShareSettings Load(string json)
    {
        var path = Path.Combine(_dir, "camshare.json");
        File.WriteAllText(path, json);
        return new ConfigLoader(name => _environment.GetValueOrDefault(name)).Load(ConfigLoader.Read(path), Catalog);
    }

    private List<string> Problems(string json) =>
        Assert.Throws<ConfigException>(() => Load(json)).Problems.Select(p => p.ToString()).ToList();

    private const string Valid = """
        {
          "cameras": [ { "name": "porch", "url": "rtsp://192.168.1.20:554/stream1", "username": "admin",
                         "passwordEnv": "PORCH_PASSWORD", "destinations": ["nas"] } ],
          "storages": [ { "name": "nas", "provider": "local", "path": "/srv/camshare" } ],
          "spool": { "path": "/var/lib/camshare/spool" }
        }
        """;

    [Fact]
    public void A_valid_config_binds_with_defaults_and_resolves_the_secret_from_the_environment()
    {
        _environment["PORCH_PASSWORD"] = "s3cret";
        var settings = Load(Valid);
        var camera = Assert.Single(settings.Cameras);
        Assert.Equal("s3cret", camera.Password);
        Assert.Equal(300, camera.SegmentSeconds);
        Assert.Equal(AudioMode.Auto, camera.Audio);
        Assert.Equal(CamShareSettings.DefaultKeyTemplate, settings.KeyTemplate);
        var storage = Assert.Single(settings.Storages);
        Assert.Equal("/srv/camshare", Assert.IsType<LocalStorageOptions>(storage.Options).Path);
    }

    [Fact]
    public void A_secret_can_come_from_a_file_and_durations_accept_units()
    {
        var secretFile = Path.Combine(_dir, "rtsp-password");
        File.WriteAllText(secretFile, "from-file\n");
        var settings = Load(Valid.Replace("\"passwordEnv\": \"PORCH_PASSWORD\"", $"\"passwordFile\": \"{secretFile}\", \"segmentSeconds\": \"5m\""));
        Assert.Equal("from-file", settings.Cameras[0].Password);
        Assert.Equal(300, settings.Cameras[0].SegmentSeconds);
    }

    [Fact]
    public void Environment_variables_override_the_file()
    {
        _environment["PORCH_PASSWORD"] = "x";
        Environment.SetEnvironmentVariable("CAMSHARE__CAMERAS__0__SEGMENTSECONDS", "60");
        Environment.SetEnvironmentVariable("CAMSHARE__SPOOL__MAXSIZEMB", "123");
        try
        {
            var settings = Load(Valid);
            Assert.Equal(60, settings.Cameras[0].SegmentSeconds);
            Assert.Equal(123, settings.Spool.MaxSizeMb);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CAMSHARE__CAMERAS__0__SEGMENTSECONDS", null);
            Environment.SetEnvironmentVariable("CAMSHARE__SPOOL__MAXSIZEMB", null);
        }
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        var path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, "{\n  \"cameras\": [\n  }\n");
        var problem = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Read(path)).Problems);
        Assert.Contains("malformed JSON at line 3", problem.Message);
    }

    [Fact]
    public void A_missing_file_says_how_to_fix_it()
    {
        var problem = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Read(Path.Combine(_dir, "none.json"))).Problems);
        Assert.Contains("file not found", problem.Message);
    }

    [Theory]
    [InlineData("\"colour\": \"red\", ", "cameras[0].colour: unknown setting")]
    [InlineData("\"segmentSeconds\": \"five\", ", "cameras[0].segmentSeconds: 'five' is not valid; expected a duration")]
    [InlineData("\"segmentSeconds\": 1, ", "cameras[0].segmentSeconds: 1 is out of range")]
    [InlineData("\"audio\": \"mp3\", ", "cameras[0].audio: 'mp3' is not valid; expected one of auto, copy, aac, none")]
    [InlineData("\"timeZone\": \"Mars/Olympus\", ", "cameras[0].timeZone: unknown time zone 'Mars/Olympus'")]
    public void Camera_mistakes_name_the_key(string insert, string expected)
    {
        _environment["PORCH_PASSWORD"] = "x";
        var problems = Problems(Valid.Replace("\"name\": \"porch\", ", "\"name\": \"porch\", " + insert));
        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_listed_mistake_is_reported_at_once_without_secrets()
    {
        var problems = Problems("""
            {
              "cameras": [
                { "name": "porch", "url": "rtsp://admin:hunter2@cam/x", "username": "admin", "destinations": ["nas", "cloud"] },
                { "name": "porch", "passwordFile": "/nonexistent/secret", "username": "u", "destinations": ["nas"] },
                { "name": "garage", "url": "rtsp://cam2/x", "username": "u", "passwordEnv": "UNSET_VARIABLE", "destinations": ["nas"] }
              ],
              "storages": [ { "name": "nas", "provider": "local", "path": "/tmp/x" }, { "name": "nas", "provider": "dropbox" },
                            { "name": "box", "provider": "local" } ],
              "keyTemplate": "{camera}/{nonsense}/{file}",
              "surprise": true
            }
            """);
        string[] expected =
        [
            "cameras[0].url: has credentials in it",
            "cameras[0].destinations[1]: 'cloud' names no storage",
            "cameras[1].name: duplicate camera name 'porch'",
            "cameras[1].url: missing",
            "cameras[1].passwordFile: cannot read secret file '/nonexistent/secret': file not found",
            "cameras[2].passwordEnv: environment variable 'UNSET_VARIABLE' is not set",
            "storages[1].name: duplicate storage name 'nas'",
            "storages[1].provider: unknown provider 'dropbox'",
            "storages[2].path: missing",
            "keyTemplate: unknown token {nonsense}",
            "surprise: unknown setting",
        ];
        foreach (var start in expected)
            Assert.Contains(problems, p => p.StartsWith(start, StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("hunter2"));
    }

    [Fact]
    public void An_empty_config_asks_for_a_camera()
    {
        var problems = Problems("{}");
        Assert.Contains(problems, p => p.StartsWith("cameras: no camera configured"));
    }
}
