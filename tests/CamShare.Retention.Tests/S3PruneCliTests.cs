using System.Text.Json;
using CamShare.Retention.Tests.Support;
using CamShare.Storage.S3.Tests;
using CamShare.Testing;
using Xunit;

namespace CamShare.Retention.Tests;

/// <summary>`camshare prune` on a plugin's real server (s3rver, the S3 plugin loaded from artifacts/plugins).</summary>
public sealed class S3PruneCliTests(S3ServerFixture s3) : IClassFixture<S3ServerFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-prune-s3-").FullName;
    private readonly string _prefix = $"prune-{Guid.NewGuid():N}"[..16] + "/";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteConfig()
    {
        var path = Path.Combine(_dir, "camshare.json");
        var options = s3.Options(_prefix);
        File.WriteAllText(path, $$"""
            {
              "cameras": [ { "name": "porch", "url": "rtsp://192.168.1.20:554/s", "destinations": ["cloud"] },
                           { "name": "garage", "url": "rtsp://192.168.1.21:554/s", "destinations": ["cloud"] } ],
              "storages": [ { "name": "cloud", "provider": "s3", "bucket": {{JsonSerializer.Serialize(options.Bucket)}},
                              "prefix": {{JsonSerializer.Serialize(_prefix)}}, "endpoint": {{JsonSerializer.Serialize(options.Endpoint)}},
                              "region": "us-east-1", "accessKeyId": {{JsonSerializer.Serialize(options.AccessKeyId)}},
                              "secretAccessKeyEnv": "TEST_S3_SECRET", "retention": { "days": 10 } } ],
              "spool": { "path": {{JsonSerializer.Serialize(Path.Combine(_dir, "spool"))}} }
            }
            """);
        return path;
    }

    [Fact]
    public async Task A_dry_run_lists_the_old_segments_and_a_wrong_secret_is_a_classified_failure_with_exit_1()
    {
        var seedNow = DateTimeOffset.UtcNow.AddHours(-3);
        var storage = S3ServerFixture.Create(s3.Options(_prefix));
        var seeded = await SeededRemote.SeedAsync(storage, now: seedNow, perDay: 2);
        var expected = seeded.Segments.Where(s => s.Start < seedNow.AddHours(3).AddDays(-10)).Select(s => "would delete cloud:" + s.Key)
            .Order(StringComparer.Ordinal).ToList();
        var config = WriteConfig();

        var dry = await CamShareCli.RunAsync(["prune", "--dry-run", "--config", config],
            new Dictionary<string, string?> { ["TEST_S3_SECRET"] = s3.Server.SecretKey });
        Assert.True(dry.ExitCode == 0, dry.StandardOutput + dry.StandardError);
        var listed = dry.StandardOutput.Split('\n').Where(l => l.StartsWith("would delete ", StringComparison.Ordinal))
            .Select(l => l[..l.IndexOf(" (", StringComparison.Ordinal)]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, listed);
        Assert.Equal(SeededRemote.Sorted(seeded.AllKeys), await SeededRemote.KeysAsync(storage));

        const string wrong = "wrong-secret-0123456789abcdefghijklmnopq";
        var refused = await CamShareCli.RunAsync(["prune", "--config", config], new Dictionary<string, string?> { ["TEST_S3_SECRET"] = wrong });
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("retention 'cloud': FAILED after deleting 0 segment(s)", refused.StandardError);
        Assert.Contains("authentication failed; fix the storage's credentials", refused.StandardError);
        Assert.DoesNotContain(wrong, refused.StandardOutput + refused.StandardError);
        Assert.Equal(SeededRemote.Sorted(seeded.AllKeys), await SeededRemote.KeysAsync(storage));
    }
}
