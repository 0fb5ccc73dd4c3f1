using System.Diagnostics;
using CamShare.Testing;
using Xunit;

namespace CamShare.Template.Tests;

/// <summary>
/// What a third party does with `dotnet new camshare-plugin`, end to end and outside this repository: pack the
/// contract and the conformance suite into a local feed, install the template into a private hive, create a
/// plugin, restore against the feed, build with warnings as errors, run its conformance tests, and load the built
/// plugin folder into the real camshare executable.
/// </summary>
public sealed class PluginTemplateTests(ITestOutputHelper output) : IDisposable
{
    private const string PluginName = "Acme.Storage.Example";
    private const string ProviderName = "acme";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    // No compiler server or MSBuild nodes left running after the test: the machine is shared.
    private const string NoServers = "--disable-build-servers";

    private readonly string _work = Path.Combine(Path.GetTempPath(), "camshare-template-" + Guid.NewGuid().ToString("N")[..12]);
    private bool _keepWork;

    [Fact]
    public async Task A_generated_plugin_builds_passes_the_conformance_suite_and_loads_into_camshare()
    {
        var feed = Directory.CreateDirectory(Path.Combine(_work, "feed")).FullName;
        var hive = Path.Combine(_work, "hive");
        var generated = Path.Combine(_work, "acme");
        var pluginsFolder = Path.Combine(_work, "plugins");
        var environment = PrivatePackageFolder();

        // 1. The two packages a third party consumes, built from this checkout.
        await DotnetAsync(_work, null, "pack", Path.Combine(RepoPaths.Root, "src", "CamShare.Abstractions"), "-o", feed, "-nologo", NoServers);
        await DotnetAsync(_work, null, "pack", Path.Combine(RepoPaths.Root, "tests", "CamShare.Storage.Conformance"), "-o", feed, "-nologo", NoServers);
        Assert.True(File.Exists(Path.Combine(feed, "CamShare.Abstractions.2.0.0.nupkg")), Listing(feed));
        Assert.True(File.Exists(Path.Combine(feed, "CamShare.Storage.Conformance.2.0.0.nupkg")), Listing(feed));

        // 2. The template, installed into a private hive so the machine's template list is untouched.
        await DotnetAsync(_work, null, "new", "install", Path.Combine(RepoPaths.Root, "plugin-template"), "--debug:custom-hive", hive);
        await DotnetAsync(_work, null, "new", "camshare-plugin", "-n", PluginName, "--provider", ProviderName, "-o", generated,
            "--debug:custom-hive", hive);
        var testProject = Path.Combine("tests", PluginName + ".Tests");
        Assert.True(File.Exists(Path.Combine(generated, "src", PluginName, PluginName + ".csproj")), Listing(generated));
        Assert.True(File.Exists(Path.Combine(generated, testProject, PluginName + ".Tests.csproj")), Listing(generated));

        // 3. Restore (the CamShare packages from the feed, the rest from nuget.org), build, test.
        var restore = new List<string> { "restore", testProject, "--source", feed, "--source", "https://api.nuget.org/v3/index.json", NoServers };
        if (GlobalPackagesFolder() is { } shared) restore.Add($"-p:RestoreAdditionalProjectFallbackFolders={shared}");
        await DotnetAsync(generated, environment, [.. restore]);
        await DotnetAsync(generated, environment, "build", testProject, "--no-restore", "-warnaserror", "-nologo", NoServers);

        var results = Path.Combine(_work, "results");
        var test = await RunAsync(generated, environment, "test", testProject, "--no-build", "-nologo",
            "--logger", "trx;LogFileName=conformance.trx", "--results-directory", results);
        var trx = TrxResults.Load(Path.Combine(results, "conformance.trx"));
        output.WriteLine(trx.ToString());
        var conformance = trx.Where(name => name.Contains(".ExampleStorageConformanceTests.", StringComparison.Ordinal));
        output.WriteLine($"conformance: {conformance.Passed} passed, {conformance.Skipped} skipped, {conformance.NotPassed.Count} failed; " +
                         $"all tests: {trx.Passed} passed, {trx.Skipped} skipped, {trx.NotPassed.Count} failed");
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Empty(trx.NotPassed);
        Assert.True(conformance.Passed >= 10, $"too few conformance tests passed:\n{trx}");
        Assert.Contains(conformance.Results, r => r.Test.EndsWith(".A_reader_never_sees_a_partial_object_while_a_slow_upload_is_in_flight") && r.Outcome == "Passed");

        // 4. The plugin folder as camshare expects it: <plugins>/<Name>/<Name>.dll, without the contract assembly.
        var pluginFolder = Path.Combine(pluginsFolder, PluginName);
        await DotnetAsync(generated, environment, "publish", Path.Combine("src", PluginName), "--no-build", "-c", "Debug",
            "-o", pluginFolder, "-nologo", NoServers);
        Assert.True(File.Exists(Path.Combine(pluginFolder, PluginName + ".dll")), Listing(pluginFolder));
        Assert.False(File.Exists(Path.Combine(pluginFolder, "CamShare.Abstractions.dll")),
            "the contract must come from the host, not from the plugin's folder:\n" + Listing(pluginFolder));

        // 5. camshare loads it.
        var providers = await CamShareCli.RunAsync(["providers", "--plugins", pluginsFolder]);
        output.WriteLine(providers.StandardOutput + providers.StandardError);
        var lines = providers.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.StartsWith(ProviderName + "  —  ", StringComparison.Ordinal));
        Assert.True(start >= 0, $"provider '{ProviderName}' not listed:\n{providers.StandardOutput}\n{providers.StandardError}");
        var block = lines.Skip(start).TakeWhile(l => l.Length > 0).ToList();
        Assert.Contains($"  from: {Path.Combine(pluginFolder, PluginName + ".dll")}", block);
        Assert.Contains(block, l => l.Trim().StartsWith("path ", StringComparison.Ordinal) && l.Contains("(required)"));
        Assert.DoesNotContain(lines, l => l.StartsWith("plugin not loaded:", StringComparison.Ordinal) && l.Contains(pluginsFolder));
        if (!lines.Any(l => l.StartsWith("plugin not loaded:", StringComparison.Ordinal)))
            Assert.Equal(0, providers.ExitCode);
        _keepWork = false;
    }

    public void Dispose()
    {
        if (_keepWork) return;
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// The generated project restores into a package folder of its own, so this run's CamShare 2.0.0 packages are
    /// used rather than ones extracted into the shared cache by an earlier run; everything else is read from the
    /// shared cache (a fallback folder) when it is there, so nothing is downloaded twice.
    /// </summary>
    private Dictionary<string, string?> PrivatePackageFolder() => new() { ["NUGET_PACKAGES"] = Path.Combine(_work, "packages") };

    private static string? GlobalPackagesFolder()
    {
        var configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        var folder = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")
            : configured;
        return Directory.Exists(folder) ? folder : null;
    }

    private async Task DotnetAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var result = await RunAsync(workingDirectory, environment, arguments);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed (work folder kept: {_work}):\n{result}");
    }

    private async Task<DotnetProcess.Result> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment,
        params string[] arguments)
    {
        _keepWork = true; // until the test finishes, a failure leaves the folder for a person to look at
        var clock = Stopwatch.StartNew();
        var result = await DotnetProcess.RunAsync(arguments, workingDirectory, environment ?? new Dictionary<string, string?>(),
            StepTimeout, TestContext.Current.CancellationToken);
        output.WriteLine($"dotnet {string.Join(' ', arguments)}: exit code {result.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    private static string Listing(string folder) => Directory.Exists(folder)
        ? string.Join("\n", Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        : folder + " does not exist";
}
