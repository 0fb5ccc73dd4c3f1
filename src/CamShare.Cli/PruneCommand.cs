using System.CommandLine;
using CamShare.Core.Configuration;
using CamShare.Core.Retention;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CamShare.Cli;

/// <summary>
/// `camshare prune`: applies each storage's retention now, printing every key it deletes (or, with --dry-run,
/// would delete) and one summary line per storage. Exit 0 when every storage was pruned, 1 when a storage failed,
/// 2 for a usage or configuration error.
/// </summary>
internal static class PruneCommand
{
    public static Command Create(Option<string> config)
    {
        var destination = new Option<string?>("--destination", "-d")
        {
            Description = "Prune only this storage (its name in camshare.json); default: every storage with a \"retention\" section.",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be deleted; delete nothing." };
        var command = new Command("prune",
            "Apply retention now: delete CamShare's own recordings older than a storage's retention.days or beyond its retention.maxGb, printing each key. Never touches other objects.")
        {
            config, destination, dryRun,
        };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(config)!, result.GetValue(destination), result.GetValue(dryRun), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string configPath, string? destination, bool dryRun, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole());
        var startup = Startup.Load(configPath, services);
        var targets = Targets(startup.Settings, destination);

        await using var provider = services.BuildServiceProvider();
        var storages = startup.CreateStorages(provider);
        var recognizer = new SegmentKeyRecognizer(startup.Settings.KeyTemplate, startup.Settings.Cameras.Select(c => c.Name));
        var allOk = true;
        try
        {
            foreach (var storage in targets)
            {
                if (StoredKeyDecoders.For(storage) is not { } decoder)
                {
                    error.WriteLine($"retention '{storage.Name}': skipped, its object names are encrypted and this build cannot read them");
                    allOk = false;
                    continue;
                }
                var pruner = new RetentionPruner(storages[storage.Name], recognizer, decoder);
                var result = await pruner.PruneAsync(storage.Retention!, DateTimeOffset.UtcNow, dryRun,
                    d => output.WriteLine($"{(dryRun ? "would delete" : "deleted")} {storage.Name}:{d.Segment.StoredKey} ({RetentionReport.Reason(d.Reason)}, {RetentionReport.Bytes(d.Segment.Size)})"),
                    cancellationToken);
                (result.Succeeded ? output : error).WriteLine(RetentionReport.Summary(storage.Name, result, dryRun));
                allOk &= result.Succeeded;
            }
        }
        finally
        {
            await Startup.DisposeStoragesAsync(storages.Values);
        }
        return allOk ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <exception cref="ConfigException">The destination names no storage, or it has no retention to apply.</exception>
    private static List<StorageSettings> Targets(CamShareSettings settings, string? destination)
    {
        if (destination is null)
        {
            var withRetention = settings.Storages.Where(s => s.Retention is not null).ToList();
            if (withRetention.Count == 0)
                throw new ConfigException([new ConfigProblem("storages",
                    "no storage has a \"retention\" section; add one, e.g. \"retention\": { \"days\": 30 }, to the storage to prune")]);
            return withRetention;
        }
        var index = settings.Storages.FindIndex(s => string.Equals(s.Name, destination, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
            throw new ConfigException([new ConfigProblem("--destination",
                $"'{destination}' names no storage; defined storages: {string.Join(", ", settings.Storages.Select(s => s.Name))}")]);
        if (settings.Storages[index].Retention is null)
            throw new ConfigException([new ConfigProblem($"storages[{index}].retention",
                $"storage '{settings.Storages[index].Name}' has none, so there is nothing to prune; add e.g. \"retention\": {{ \"days\": 30 }}")]);
        return [settings.Storages[index]];
    }
}
