using System.Diagnostics;
using CamShare.Testing;
using Xunit;

namespace CamShare.Cli.Tests;

/// <summary>Runs alone: publishing rebuilds the plugins in artifacts/plugins, which other tests' camshare loads.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PublishCollection
{
    public const string Name = "publish";
}

/// <summary>What `dotnet publish` gives is a camshare that finds every provider and can use them.</summary>
[Collection(PublishCollection.Name)]
public sealed class PublishTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-publish-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("framework-dependent")]
    [InlineData("linux-x64")] // the self-contained single-file profile (linux-arm64 is the same for a Pi)
    public async Task A_published_camshare_carries_every_plugin_and_uses_them(string flavour)
    {
        var output = Path.Combine(_dir, "out");
        string[] arguments = flavour == "framework-dependent"
            ? ["publish", Path.Combine(RepoPaths.Root, "src", "CamShare.Cli"), "-c", "Release", "-o", output, "-nologo"]
            : ["publish", Path.Combine(RepoPaths.Root, "src", "CamShare.Cli"), "-p:PublishProfile=linux-x64", $"-p:PublishDir={output}/", "-nologo"];
        var publish = await RunAsync("dotnet", arguments, TimeSpan.FromMinutes(5));
        Assert.True(publish.Code == 0, publish.Text);
        var camshare = Path.Combine(output, "camshare");

        var providers = await RunAsync(camshare, ["providers"], TimeSpan.FromMinutes(1));
        Assert.Equal(0, providers.Code);
        foreach (var name in new[] { "local", "s3", "webdav", "sftp", "ftp", "rclone", "googledrive" })
            Assert.Matches($@"(?m)^{name}  —  ", providers.Text);
        Assert.Contains($"searched: {Path.Combine(output, "plugins")}", providers.Text);

        // A plugin's provider is built and runs: its check reaches (and fails on) a closed port, one line each.
        var config = Path.Combine(_dir, "camshare.json");
        File.WriteAllText(config, $$"""
            { "cameras": [ { "name": "demo", "url": "demo:", "destinations": ["nas", "dav"] } ],
              "storages": [ { "name": "nas", "provider": "local", "path": "{{Path.Combine(_dir, "nas")}}" },
                            { "name": "dav", "provider": "webdav", "baseUrl": "http://127.0.0.1:1/dav/" } ],
              "spool": { "path": "{{Path.Combine(_dir, "spool")}}" } }
            """);
        var check = await RunAsync(camshare, ["check", "--config", config, "--skip-cameras"], TimeSpan.FromMinutes(1));
        Assert.Equal(1, check.Code);
        Assert.Contains("ok    storage nas (local): write/read/list/delete ok", check.Text);
        Assert.Contains("FAIL  storage dav (webdav): write: unreachable", check.Text);
    }

    private static async Task<(int Code, string Text)> RunAsync(string program, string[] arguments, TimeSpan limit)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }
        return (process.ExitCode, await output + await errors);
    }
}
