using CamShare.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Storage.S3;

/// <summary>Registers the "s3" provider.</summary>
public sealed class S3StoragePlugin : IStoragePlugin
{
    public const string ProviderName = "s3";

    public void ConfigureServices(IServiceCollection services) =>
        services.AddStorageProvider<S3StorageOptions, S3StorageProvider>(ProviderName,
            "Amazon S3 and S3-compatible stores (B2, Wasabi, R2, MinIO, Garage, Ceph): verified multipart uploads, share links.");
}
