using CamShare.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Cli;

/// <summary>A storage named on the command line (<c>--destination NAME</c>), with the settings it was found in.</summary>
internal sealed record ConfiguredDestination(Startup Startup, StorageSettings Storage, int Index)
{
    public CamShareSettings Settings => Startup.Settings;

    /// <summary>The key path of this storage in camshare.json, for messages: <c>storages[0]</c>.</summary>
    public string Key => $"storages[{Index}]";

    /// <exception cref="UsageException">No storage has that name.</exception>
    public static ConfiguredDestination Load(string configPath, string? name, Func<StorageSettings, bool>? fallback = null)
    {
        var startup = Startup.Load(configPath, new ServiceCollection());
        var storages = startup.Settings.Storages;
        var known = string.Join(", ", storages.Select(s => s.Name));
        StorageSettings? storage;
        if (name is { Length: > 0 })
            storage = storages.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException($"--destination {name}: no storage of that name in {configPath}; configured: {known}");
        else
        {
            var candidates = storages.Where(fallback ?? (_ => false)).ToList();
            storage = candidates.Count == 1 ? candidates[0]
                : throw new UsageException($"--destination NAME is needed: name one of the storages ({known})");
        }
        return new ConfiguredDestination(startup, storage, storages.IndexOf(storage));
    }
}
