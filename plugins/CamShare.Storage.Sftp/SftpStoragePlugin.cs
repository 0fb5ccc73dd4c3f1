using CamShare.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Storage.Sftp;

/// <summary>Registers the "sftp" provider.</summary>
public sealed class SftpStoragePlugin : IStoragePlugin
{
    /// <summary>The name a storage's <c>provider</c> setting uses.</summary>
    public const string ProviderName = "sftp";

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddStorageProvider<SftpStorageOptions, SftpStorageProvider>(ProviderName,
            "An SFTP server (OpenSSH and others): password or key login, pinned host key, atomic rename.");
}
