using CamShare.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Storage.Rclone;

/// <summary>Registers the "rclone" provider.</summary>
public sealed class RclonePlugin : IStoragePlugin
{
    public const string ProviderName = "rclone";

    public void ConfigureServices(IServiceCollection services) =>
        services.AddStorageProvider<RcloneStorageOptions, RcloneStorageProvider>(ProviderName,
            "Any rclone remote (OneDrive, Dropbox, pCloud, Mega, SMB, crypt, ...) through the rclone binary.");
}
