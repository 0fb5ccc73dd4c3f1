using CamShare.Testing;
using Xunit;

namespace CamShare.Cli.Tests;

/// <summary>
/// Every config in BadConfigs/ is wrong in one way. `camshare run` must refuse each with exit code 2, one
/// "config error:" line per problem naming the key in the file's first line (<c>// expect: KEY</c>), no stack
/// trace, no secret, and nothing recorded.
/// </summary>
public sealed class BadConfigCorpusTests
{
    private const string Secret = "Corpus-S3cret-9x";
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "BadConfigs");

    public static TheoryData<string> Configs() => [.. Directory.GetFiles(Corpus, "*.json").Select(f => Path.GetFileName(f)).Order()];

    [Fact]
    public void The_corpus_holds_at_least_forty_configs() => Assert.True(Configs().Count >= 40, $"{Configs().Count} configs");

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task Run_refuses_the_config_naming_the_key(string name)
    {
        var work = Directory.CreateTempSubdirectory("camshare-corpus-").FullName;
        try
        {
            var config = Path.Combine(work, "camshare.json");
            File.Copy(Path.Combine(Corpus, name), config);
            var expected = File.ReadLines(config).First()["// expect: ".Length..].Replace("$file", config);
            // The default spool lives under the home folder: point it into the scratch folder too.
            var result = await CamShareCli.RunAsync(["run", "--config", config],
                new Dictionary<string, string?> { ["HOME"] = work, ["XDG_DATA_HOME"] = Path.Combine(work, "data"), ["CAMSHARE_CORPUS_UNSET"] = null },
                workingDirectory: work, timeout: TimeSpan.FromSeconds(60));

            var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(result.ExitCode == 2, $"exit code {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}");
            Assert.All(lines, l => Assert.StartsWith("config error: ", l));
            Assert.Contains(lines, l => l.StartsWith($"config error: {expected}:", StringComparison.Ordinal));
            Assert.DoesNotContain(Secret, result.StandardOutput + result.StandardError);
            Assert.DoesNotContain("Exception", result.StandardError);
            Assert.DoesNotContain("   at ", result.StandardError);
            Assert.Empty(Directory.EnumerateFiles(work, "*.mp4", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
