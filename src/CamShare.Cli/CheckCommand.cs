using System.CommandLine;
using System.Diagnostics;
using System.Text;
using CamShare.Abstractions;
using CamShare.Core.Configuration;
using CamShare.Core.Media;
using CamShare.Core.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CamShare.Cli;

/// <summary>
/// `camshare check`: validates the config, finds ffmpeg/ffprobe, probes each camera, and writes, reads, lists
/// and deletes a probe object on each storage. One line per check; exit 0 only if all pass.
/// </summary>
internal static class CheckCommand
{
    public static Command Create(Option<string> config)
    {
        var skipCameras = new Option<bool>("--skip-cameras") { Description = "Do not probe the cameras (storages only)." };
        var command = new Command("check", "Validate the configuration, find ffmpeg, probe every camera and every storage (write/read/list/delete a small probe object).")
        {
            config, skipCameras,
        };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(config)!, result.GetValue(skipCameras), Console.Out, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string configPath, bool skipCameras, TextWriter output, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        // No logger output: each check is one line below, and a provider's own warnings would only repeat it.
        services.AddLogging(logging => logging.ClearProviders());
        var startup = Startup.Load(configPath, services);
        foreach (var failure in startup.Catalog.Failures)
            output.WriteLine($"WARN  plugin not loaded (no configured storage needs it): {failure}");
        output.WriteLine($"ok    config {configPath}: {startup.Settings.Cameras.Count} camera(s), {startup.Settings.Storages.Count} storage(s)");
        foreach (var warning in startup.Settings.Warnings)
            output.WriteLine($"WARN  config {warning}");
        var allOk = true;
        var (spoolOk, spoolDetail) = ProbeSpool(startup.Settings.Spool);
        allOk &= spoolOk;
        output.WriteLine($"{(spoolOk ? "ok  " : "FAIL")}  spool {Path.GetFullPath(startup.Settings.Spool.Path)}: {spoolDetail}");

        var ffmpeg = MediaTools.FindFfmpeg();
        var ffprobe = MediaTools.FindFfprobe();
        foreach (var (name, path) in new[] { ("ffmpeg", ffmpeg), ("ffprobe", ffprobe) })
        {
            if (path is null)
            {
                allOk = false;
                output.WriteLine($"FAIL  {name}: not found on PATH; {MediaTools.InstallHint}");
            }
            else output.WriteLine($"ok    {name}: {await MediaTools.VersionAsync(path, cancellationToken)} ({path})");
        }

        if (!skipCameras && ffprobe is not null)
        {
            foreach (var camera in startup.Settings.Cameras)
            {
                if (camera.Url == "demo:")
                {
                    output.WriteLine($"ok    camera {camera.Name}: built-in test pattern");
                    continue;
                }
                var probe = await CameraProbe.ProbeAsync(ffmpeg ?? "ffmpeg", ffprobe, camera, cancellationToken);
                allOk &= probe.Ok;
                output.WriteLine($"{(probe.Ok ? "ok  " : "FAIL")}  camera {camera.Name} ({new SecretRedactor(camera.Password).Redact(camera.Url)}): {probe.Detail}");
            }
        }

        await using var provider = services.BuildServiceProvider();
        var storages = startup.CreateStorages(provider);
        try
        {
            // All storages at once, each within its own time limit: one dead server must not make the check slow.
            var checks = startup.Settings.Storages
                .Select(storage => CheckStorageAsync(storage, storages[storage.Name], cancellationToken)).ToList();
            foreach (var lines in await Task.WhenAll(checks))
                foreach (var (ok, line) in lines)
                {
                    allOk &= ok;
                    output.WriteLine($"{(ok ? "ok  " : "FAIL")}  {line}");
                }
        }
        finally
        {
            await Startup.DisposeStoragesAsync(storages.Values);
        }
        return allOk ? ExitCodes.Ok : ExitCodes.Failed;
    }

    internal static readonly TimeSpan StorageTimeLimit = TimeSpan.FromSeconds(20);

    private static async Task<List<(bool Ok, string Line)>> CheckStorageAsync(StorageSettings storage, IStorageProvider provider,
        CancellationToken cancellationToken)
    {
        var lines = new List<(bool, string)>();
        var (ok, detail) = await ProbeStorageAsync(provider, cancellationToken).ConfigureAwait(false);
        lines.Add((ok, $"storage {storage.Name} ({storage.Provider}): {detail}"));
        if (provider is not IStorageDiagnostics diagnostics) return lines;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StorageTimeLimit);
        try
        {
            foreach (var line in await diagnostics.DiagnoseAsync(limit.Token).ConfigureAwait(false))
                lines.Add((line.Ok, $"storage {storage.Name}: {line.Name}: {line.Detail}"));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            lines.Add((false, $"storage {storage.Name}: diagnostics: no answer within {StorageTimeLimit.TotalSeconds:0} s"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            lines.Add((false, $"storage {storage.Name}: diagnostics: {ex.Message}"));
        }
        return lines;
    }

    /// <summary>The spool must be writable; its free space is reported against the cap.</summary>
    internal static (bool Ok, string Detail) ProbeSpool(SpoolSettings spool)
    {
        var folder = Path.GetFullPath(spool.Path);
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".camshare-check-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "check");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (false, $"not writable: {ex.Message}");
        }
        var freeMb = new DriveInfo(folder).AvailableFreeSpace >> 20;
        var cap = spool.MaxSizeMb == 0 ? "no cap" : $"cap {spool.MaxSizeMb} MB";
        return spool.MaxSizeMb > freeMb
            ? (true, $"writable, {freeMb} MB free, less than the {cap}: the disk fills before old segments are dropped; lower spool.maxSizeMb")
            : (true, $"writable, {freeMb} MB free ({cap})");
    }

    /// <summary>Write, stat, read back, list and delete one small object; the first failure is the answer.</summary>
    internal static async Task<(bool Ok, string Detail)> ProbeStorageAsync(IStorageProvider storage, CancellationToken cancellationToken)
    {
        var key = $".camshare-check/{Environment.MachineName}-{Guid.NewGuid():N}.txt";
        var content = Encoding.UTF8.GetBytes($"camshare check {DateTimeOffset.UtcNow:O}\n");
        var step = "write";
        var clock = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StorageTimeLimit);
        try
        {
            var stored = await storage.PutAsync(key, UploadSource.FromStream(content.Length,
                _ => ValueTask.FromResult<Stream>(new MemoryStream(content))), null, timeout.Token);
            if (stored.Size != content.Length) return (false, $"write: stored {stored.Size} bytes of {content.Length}");
            step = "read";
            await using (var stream = await storage.OpenReadAsync(key, timeout.Token))
            {
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, timeout.Token);
                if (!copy.ToArray().AsSpan().SequenceEqual(content)) return (false, "read: the bytes read back differ from those written");
            }
            step = "list";
            var found = false;
            await foreach (var item in storage.ListAsync(".camshare-check/", timeout.Token))
                found |= item.Key == key;
            if (!found) return (false, "list: the probe object is missing from the listing");
            step = "delete";
            await storage.DeleteAsync(key, timeout.Token);
            try
            {
                await storage.StatAsync(key, timeout.Token);
                return (false, "delete: the probe object is still there");
            }
            catch (StorageNotFoundException) { }
            return (true, $"write/read/list/delete ok ({clock.ElapsedMilliseconds} ms)");
        }
        catch (StorageException ex)
        {
            var kind = ex switch
            {
                StorageAuthenticationException => "authentication failed",
                StorageConfigurationException => "misconfigured",
                StorageQuotaException => "out of space",
                StorageUnreachableException => "unreachable",
                _ => "error",
            };
            return (false, $"{step}: {kind}: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"{step}: no answer within {StorageTimeLimit.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not a StorageException: the plugin broke its contract; still one line, never a stack trace.
            return (false, $"{step}: plugin error ({ex.GetType().Name}): {ex.Message}");
        }
    }
}
