using CamShare.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Storage.WebDav;

/// <summary>Registers the "webdav" provider.</summary>
public sealed class WebDavStoragePlugin : IStoragePlugin
{
    public const string ProviderName = "webdav";

    public void ConfigureServices(IServiceCollection services) =>
        services.AddStorageProvider<WebDavStorageOptions, WebDavStorageProvider>(ProviderName,
            "A WebDAV server: Nextcloud, ownCloud, Apache, nginx (https with pinning, Basic or Digest).");
}
