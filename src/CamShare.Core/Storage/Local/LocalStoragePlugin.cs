using CamShare.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Core.Storage.Local;

/// <summary>Registers the built-in "local" provider, the same way a plugin registers its own.</summary>
public sealed class LocalStoragePlugin : IStoragePlugin
{
    public const string ProviderName = "local";

    public void ConfigureServices(IServiceCollection services) =>
        services.AddStorageProvider<LocalStorageOptions, LocalStorageProvider>(ProviderName,
            "A folder on this machine or a mounted share (built in, the default).");
}
