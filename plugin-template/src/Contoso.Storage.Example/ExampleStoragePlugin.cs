using CamShare.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Contoso.Storage.Example;

/// <summary>
/// The plugin's entry point: camshare creates it with its parameterless constructor and calls
/// <see cref="ConfigureServices"/> once. A storage selects the provider with <c>"provider": "example"</c>.
/// </summary>
public sealed class ExampleStoragePlugin : IStoragePlugin
{
    public const string ProviderName = "example";

    public void ConfigureServices(IServiceCollection services) =>
        // REPLACE the description: one line about your backend, shown by `camshare providers`.
        services.AddStorageProvider<ExampleStorageOptions, ExampleStorageProvider>(ProviderName,
            "Sample provider from the CamShare plugin template: stores objects in a folder.");
}
