using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.CommandLine;
using System.Reflection;
using CamShare.Abstractions;
using CamShare.Core.Configuration;
using CamShare.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Cli;

/// <summary>`camshare providers`: every provider found, where from, its capabilities and options.</summary>
internal static class ProvidersCommand
{
    public static Command Create()
    {
        var folders = new Option<string[]>("--plugins") { Description = "Extra plugin folder(s) to search.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("providers", "List the storage providers found (built in and plugins), their capabilities and options.") { folders };
        command.SetAction(result =>
        {
            var catalog = PluginLoader.LoadAll(new ServiceCollection(),
                PluginLoader.DefaultFolders().Concat(result.GetValue(folders) ?? []));
            Print(catalog, Console.Out);
            return catalog.Failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    public static void Print(ProviderCatalog catalog, TextWriter output)
    {
        foreach (var provider in catalog.Providers.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            output.WriteLine($"{provider.Name}  —  {provider.Description}");
            output.WriteLine($"  from: {provider.Origin}");
            var capabilities = Capabilities(provider.ProviderType);
            output.WriteLine($"  capabilities: {(capabilities.Count == 0 ? "none beyond the contract" : string.Join(", ", capabilities))}");
            var help = provider.OptionsType.GetCustomAttribute<DescriptionAttribute>()?.Description;
            if (help is not null) output.WriteLine($"  {help}");
            output.WriteLine("  options:");
            PrintOptions(provider.OptionsType, output);
            output.WriteLine();
        }
        // Host sections beside the provider's keys: the same for every provider.
        var sections = new (string Key, Type Type)[] { ("encryption", typeof(EncryptionSettings)), ("retention", typeof(RetentionSettings)) }
            .Where(s => SettingsBinder.SettableProperties(s.Type).Count > 0).ToList();
        if (sections.Count > 0) output.WriteLine("every storage, whatever its provider, also takes:");
        foreach (var (key, type) in sections)
        {
            output.WriteLine($"  \"{key}\": {{ ... }}  —  {type.GetCustomAttribute<DescriptionAttribute>()?.Description}");
            PrintOptions(type, output);
            output.WriteLine();
        }
        // Host sections: the same beside every provider's keys.
        output.WriteLine($"every storage may also have \"encryption\": {{ ... }}  —  {typeof(EncryptionSettings).GetCustomAttribute<DescriptionAttribute>()?.Description}");
        PrintOptions(typeof(EncryptionSettings), output);
        output.WriteLine();
        foreach (var failure in catalog.Failures)
            output.WriteLine($"plugin not loaded: {failure}");
        output.WriteLine($"searched: {string.Join(", ", catalog.SearchedFolders)}");
    }

    private static void PrintOptions(Type optionsType, TextWriter output)
    {
        var defaults = Activator.CreateInstance(optionsType);
        foreach (var property in SettingsBinder.SettableProperties(optionsType))
        {
            var name = SettingsBinder.JsonName(property.Name);
            var flags = new List<string>();
            if (property.IsDefined(typeof(RequiredAttribute))) flags.Add("required");
            if (property.GetCustomAttribute<RangeAttribute>() is { } range) flags.Add($"{range.Minimum} to {range.Maximum}");
            if (SettingsBinder.IsSecretString(property)) flags.Add($"secret: or {name}Env / {name}File");
            else if (property.IsDefined(typeof(SecretAttribute))) flags.Add("secret values");
            var value = property.GetValue(defaults);
            if (!property.IsDefined(typeof(SecretAttribute)) && value is not null and not "" && value is not System.Collections.ICollection { Count: 0 })
                flags.Add($"default {Format(value)}");
            var text = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";
            output.WriteLine($"    {name,-28} {text}{(flags.Count > 0 ? $" ({string.Join("; ", flags)})" : "")}");
        }
    }

    private static List<string> Capabilities(Type providerType)
    {
        var list = new List<string>();
        if (typeof(IShareLinkCapability).IsAssignableFrom(providerType)) list.Add("share links");
        if (typeof(IServerSideHashCapability).IsAssignableFrom(providerType)) list.Add("server-side hash");
        if (typeof(IStorageDiagnostics).IsAssignableFrom(providerType)) list.Add("diagnostics");
        if (typeof(IFolderCleanupCapability).IsAssignableFrom(providerType)) list.Add("folder clean-up");
        return list;
    }

    private static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        Enum e => e.ToString().ToLowerInvariant(),
        System.Collections.IEnumerable list and not string => "[" + string.Join(", ", list.Cast<object>()) + "]",
        _ => value.ToString() ?? "",
    };
}
