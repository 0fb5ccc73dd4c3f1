using CamShare.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Storage.GoogleDrive;

/// <summary>Registers the "googledrive" provider.</summary>
public sealed class GoogleDriveStoragePlugin : IStoragePlugin
{
    public const string ProviderName = "googledrive";

    public void ConfigureServices(IServiceCollection services) =>
        services.AddStorageProvider<GoogleDriveStorageOptions, GoogleDriveStorageProvider>(ProviderName,
            "Google Drive: a person's Drive (OAuth) or a shared drive/folder (service account); resumable, verified uploads.");
}
