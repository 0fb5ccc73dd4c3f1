using CamShare.Abstractions;

namespace CamShare.Core.Plugins;

/// <summary>A plugin that could not be loaded, and why (the DLL and the cause, no stack trace).</summary>
public sealed record PluginFailure(string AssemblyPath, string Reason)
{
    public override string ToString() => $"{AssemblyPath}: {Reason}";
}

/// <summary>Every provider found (built in and from plugins) plus the plugins that failed to load.</summary>
public sealed class ProviderCatalog
{
    private readonly Dictionary<string, StorageProviderDescriptor> _byName = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<StorageProviderDescriptor> Providers => _byName.Values;
    public List<PluginFailure> Failures { get; } = [];
    public List<string> SearchedFolders { get; } = [];

    public StorageProviderDescriptor? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The provider already registered under the descriptor's name, if any.</summary>
    internal StorageProviderDescriptor? Conflicting(StorageProviderDescriptor descriptor) => _byName.GetValueOrDefault(descriptor.Name);

    internal void Add(StorageProviderDescriptor descriptor) => _byName.Add(descriptor.Name, descriptor);
}
