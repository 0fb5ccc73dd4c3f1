using System.Reflection;
using CamShare.Abstractions;
using CamShare.Core.Storage.Local;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Plugins;

/// <summary>
/// Finds provider plugins and registers their providers. A plugin is a folder NAME holding NAME.dll (and its
/// dependencies); it shares only the contract assembly and Microsoft.Extensions.*.Abstractions with the host.
/// The only class that knows about McMaster.NETCore.Plugins (in maintenance mode: keep it replaceable).
/// </summary>
public static class PluginLoader
{
    // Types whose assemblies the host and every plugin must share, so that interfaces match across contexts.
    private static readonly Type[] SharedTypes =
    [
        typeof(IStoragePlugin),
        typeof(IServiceCollection),
        typeof(ILogger),
        typeof(Microsoft.Extensions.Options.IOptions<>),
    ];

    /// <summary>The folders searched by default: "plugins" beside the executable, then the repository's
    /// build output (artifacts/plugins) when running from a source checkout, then $CAMSHARE_PLUGINS.</summary>
    public static IEnumerable<string> DefaultFolders()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "plugins");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CamShare.sln")))
            {
                yield return Path.Combine(dir.FullName, "artifacts", "plugins");
                break;
            }
        }
        var fromEnvironment = Environment.GetEnvironmentVariable("CAMSHARE_PLUGINS");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            foreach (var folder in fromEnvironment.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                yield return folder;
    }

    /// <summary>
    /// Registers the built-in provider, then every plugin found in <paramref name="folders"/>, into
    /// <paramref name="services"/>. Failures are collected, never thrown.
    /// </summary>
    public static ProviderCatalog LoadAll(IServiceCollection services, IEnumerable<string> folders)
    {
        var catalog = new ProviderCatalog();
        Register(new LocalStoragePlugin(), "built in", services, catalog);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in folders.Select(Path.GetFullPath).Where(seen.Add))
        {
            catalog.SearchedFolders.Add(folder);
            if (!Directory.Exists(folder)) continue;
            foreach (var pluginDir in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
            {
                var dll = Path.Combine(pluginDir, Path.GetFileName(pluginDir) + ".dll");
                if (!File.Exists(dll))
                {
                    catalog.Failures.Add(new PluginFailure(dll, "missing: a plugin folder must contain a DLL of the same name"));
                    continue;
                }
                LoadOne(dll, services, catalog);
            }
        }
        return catalog;
    }

    private static void LoadOne(string dll, IServiceCollection services, ProviderCatalog catalog)
    {
        Assembly assembly;
        try
        {
            var loader = PluginLoader_Create(dll);
            assembly = loader.LoadDefaultAssembly();
        }
        catch (Exception ex)
        {
            catalog.Failures.Add(new PluginFailure(dll, "cannot load: " + Describe(ex)));
            return;
        }

        var contract = assembly.GetReferencedAssemblies()
            .FirstOrDefault(a => a.Name == typeof(IStoragePlugin).Assembly.GetName().Name);
        if (ContractProblem(contract) is { } problem)
        {
            catalog.Failures.Add(new PluginFailure(dll, problem));
            return;
        }

        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            var missing = ex.LoaderExceptions.OfType<Exception>().Select(Describe).Distinct().FirstOrDefault() ?? ex.Message;
            catalog.Failures.Add(new PluginFailure(dll, "missing dependency: " + missing));
            return;
        }

        var entryTypes = types.Where(t => typeof(IStoragePlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }).ToList();
        if (entryTypes.Count == 0)
        {
            catalog.Failures.Add(new PluginFailure(dll, "no public class implements IStoragePlugin"));
            return;
        }
        foreach (var type in entryTypes)
        {
            IStoragePlugin plugin;
            try
            {
                plugin = (IStoragePlugin)Activator.CreateInstance(type)!;
            }
            catch (Exception ex)
            {
                catalog.Failures.Add(new PluginFailure(dll, $"{type.FullName} cannot be created: {Describe(ex)}"));
                continue;
            }
            Register(plugin, dll, services, catalog);
        }
    }

    /// <summary>Why a plugin built against <paramref name="contract"/> cannot be used, or null when it can.</summary>
    internal static string? ContractProblem(AssemblyName? contract)
    {
        if (contract is null) return "not a CamShare plugin: it does not reference CamShare.Abstractions";
        if (contract.Version?.Major != ContractVersion.Major)
            return $"incompatible contract version {contract.Version?.ToString(2)}; this camshare speaks {ContractVersion.Text}: " +
                   $"rebuild the plugin against CamShare.Abstractions {ContractVersion.Major}.x";
        return null;
    }

    private static void Register(IStoragePlugin plugin, string origin, IServiceCollection services, ProviderCatalog catalog)
    {
        // Register into a scratch collection first, so a plugin that throws halfway leaves nothing behind.
        var scratch = new ServiceCollection();
        try
        {
            plugin.ConfigureServices(scratch);
        }
        catch (Exception ex)
        {
            catalog.Failures.Add(new PluginFailure(origin, $"{plugin.GetType().FullName}.ConfigureServices threw: {Describe(ex)}"));
            return;
        }
        var descriptors = scratch.Where(d => d.ServiceType == typeof(StorageProviderDescriptor) && !d.IsKeyedService)
            .Select(d => (StorageProviderDescriptor)d.ImplementationInstance!).ToList();
        foreach (var descriptor in descriptors)
        {
            if (catalog.Conflicting(descriptor) is { } existing)
            {
                catalog.Failures.Add(new PluginFailure(origin,
                    $"provider name '{descriptor.Name}' is already taken by {existing.Origin}; remove one of the two plugins"));
                return;
            }
        }
        foreach (var descriptor in descriptors)
        {
            descriptor.Origin = origin;
            catalog.Add(descriptor);
        }
        foreach (var item in scratch) services.Add(item);
    }

    private static McMaster.NETCore.Plugins.PluginLoader PluginLoader_Create(string dll) =>
        McMaster.NETCore.Plugins.PluginLoader.CreateFromAssemblyFile(dll, SharedTypes, config => config.PreferSharedTypes = true);

    private static string Describe(Exception ex)
    {
        var inner = ex is TargetInvocationException { InnerException: { } i } ? i : ex;
        return inner switch
        {
            FileNotFoundException f when f.FileName is not null => $"file not found: {f.FileName}",
            FileLoadException f when f.FileName is not null => $"cannot load {f.FileName}: {f.Message}",
            BadImageFormatException => "not a .NET assembly (or built for another platform)",
            _ => inner.Message,
        };
    }
}
