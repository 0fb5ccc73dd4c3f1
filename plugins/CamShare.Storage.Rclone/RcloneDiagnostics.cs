using System.Text.Json;
using CamShare.Abstractions;

namespace CamShare.Storage.Rclone;

/// <summary>What `camshare check` prints for an rclone storage: version, remote in config, reachability, features.</summary>
internal sealed class RcloneDiagnostics(RcloneRunner runner, RcloneRemote remote, RcloneStorageOptions options)
{
    public async Task<IReadOnlyList<DiagnosticResult>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<DiagnosticResult>();
        var version = await Try(() => VersionAsync(cancellationToken)).ConfigureAwait(false);
        results.Add(version);
        if (!version.Ok) return results; // without a working binary nothing else can be checked
        var exists = await Try(() => RemoteExistsAsync(cancellationToken)).ConfigureAwait(false);
        results.Add(exists);
        if (!exists.Ok) return results;
        results.Add(await Try(() => ReachableAsync(cancellationToken)).ConfigureAwait(false));
        results.Add(await Try(() => FeaturesAsync(cancellationToken)).ConfigureAwait(false));
        return results;
    }

    private async Task<DiagnosticResult> VersionAsync(CancellationToken cancellationToken)
    {
        const string name = "rclone version";
        if (RcloneBinary.Resolve(options.RclonePath) is null)
            return new(name, false, $"rclone not found at '{options.RclonePath}': install it (apt install rclone) or set rclonePath");
        var result = await runner.RunAsync("version", [], cancellationToken).ConfigureAwait(false);
        var first = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault() ?? "";
        return result.Succeeded && first.StartsWith("rclone ", StringComparison.Ordinal)
            ? new(name, true, first)
            : new(name, false, $"`rclone version` failed (exit code {result.ExitCode}): {result.ErrorText}");
    }

    private async Task<DiagnosticResult> RemoteExistsAsync(CancellationToken cancellationToken)
    {
        const string name = "rclone remote";
        if (remote.IsOnTheFly)
            return new(name, true, $"'{remote}' is an on-the-fly remote (needs no config entry)");
        var file = await runner.RunAsync("config", ["file"], cancellationToken).ConfigureAwait(false);
        // `rclone config file` ends with the path, or says "Configuration is in memory only" when there is none.
        var path = file.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => l.StartsWith('/'));
        var configFile = path ?? "none: remotes come from RCLONE_CONFIG_* environment variables";
        var list = await runner.RunAsync("listremotes", [], cancellationToken).ConfigureAwait(false);
        if (!list.Succeeded)
            return new(name, false, $"`rclone listremotes` failed (exit code {list.ExitCode}): {list.ErrorText}");
        var names = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Contains(remote.Name + ":", StringComparer.Ordinal)
            ? new(name, true, $"remote '{remote.Name}' is defined (config file {configFile})")
            : new(name, false, $"remote '{remote.Name}' is not in rclone's config (config file {configFile}; " +
                               $"known remotes: {(names.Length == 0 ? "none" : string.Join(" ", names))}): " +
                               "run `rclone config` or set configPath / RCLONE_CONFIG_* in environment");
    }

    private async Task<DiagnosticResult> ReachableAsync(CancellationToken cancellationToken)
    {
        const string name = "rclone remote reachable";
        var result = await runner.RunAsync("lsjson", ["--max-depth", "1", "--no-mimetype", remote.PathOf("")],
            cancellationToken).ConfigureAwait(false);
        if (result.Succeeded) return new(name, true, $"listed {remote}");
        if (result.ExitCode == RcloneErrors.DirNotFound)
            return new(name, true, $"{remote} does not exist yet; it is created by the first upload");
        var kind = RcloneErrors.Classify(result.ExitCode, result.ErrorText);
        return new(name, false, $"{kind}: listing {remote} failed (exit code {result.ExitCode}): {result.ErrorText}");
    }

    private async Task<DiagnosticResult> FeaturesAsync(CancellationToken cancellationToken)
    {
        const string name = "rclone remote features";
        var result = await runner.RunAsync("backend", ["features", remote.PathOf("")], cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded)
            return new(name, false, $"{RcloneErrors.Classify(result.ExitCode, result.ErrorText)}: not reported (exit code {result.ExitCode}): {result.ErrorText}");
        var features = JsonSerializer.Deserialize(result.Output, RcloneJsonContext.Default.BackendFeatures);
        if (features is null) return new(name, true, "not reported");
        var hashes = features.Hashes is { Length: > 0 } h ? string.Join(", ", h) : "none (uploads verified by size)";
        var move = features.Has("Move") ? "server-side move" : features.Has("Copy") ? "server-side copy" : "no server-side move";
        var warning = options.UploadViaTemporaryName && !features.Has("Move") && !features.Has("Copy")
            ? "; warning: renaming a temporary upload into place copies it through this machine"
            : "";
        return new(name, true, $"hashes: {hashes}; {move}; public links: {(features.Has("PublicLink") ? "yes" : "no")}{warning}");
    }

    private static async Task<DiagnosticResult> Try(Func<Task<DiagnosticResult>> check)
    {
        try
        {
            return await check().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            return new("rclone", false, ex.Message);
        }
    }
}
