using CamShare.Abstractions;
using CamShare.Core.Configuration;
using CamShare.Core.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Cli;

/// <summary>What every verb needs: the providers found, the validated settings, and storages built from them.</summary>
internal sealed class Startup
{
    public required ProviderCatalog Catalog { get; init; }
    public required CamShareSettings Settings { get; init; }

    /// <summary>Loads plugins (from the config's extra folders too) into <paramref name="services"/> and
    /// validates the configuration at <paramref name="configPath"/> against them.</summary>
    /// <exception cref="ConfigException">The configuration is unusable.</exception>
    public static Startup Load(string configPath, IServiceCollection services)
    {
        var configuration = ConfigLoader.Read(configPath);
        var extraFolders = configuration.GetSection("plugins:folders").GetChildren()
            .Select(c => c.Value).OfType<string>()
            .Select(f => Path.IsPathRooted(f) ? f : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath))!, f));
        var catalog = PluginLoader.LoadAll(services, PluginLoader.DefaultFolders().Concat(extraFolders));
        var loader = new ConfigLoader();
        var settings = loader.Load(configuration, catalog);
        // Read once; children (rclone and other tools a provider runs) inherit this process's environment.
        foreach (var variable in loader.SecretVariables) Environment.SetEnvironmentVariable(variable, null);
        return new Startup { Catalog = catalog, Settings = settings };
    }

    /// <summary>Creates one provider per configured storage.</summary>
    public Dictionary<string, IStorageProvider> CreateStorages(IServiceProvider services)
    {
        var storages = new Dictionary<string, IStorageProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var storage in Settings.Storages)
        {
            var descriptor = Catalog.Find(storage.Provider)!;
            try
            {
                storages[storage.Name] = descriptor.Create(services, storage.Options, storage.Name);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var inner = ex is System.Reflection.TargetInvocationException { InnerException: { } i } ? i : ex;
                throw new ConfigException([new ConfigProblem($"storages ({storage.Name})",
                    $"provider '{storage.Provider}' refused its settings: {inner.Message}")]);
            }
        }
        return storages;
    }

    public static async Task DisposeStoragesAsync(IEnumerable<IStorageProvider> storages)
    {
        foreach (var storage in storages)
            if (storage is IAsyncDisposable a) await a.DisposeAsync();
            else (storage as IDisposable)?.Dispose();
    }
}
