using CamShare.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Storage.Ftp;

/// <summary>Registers the "ftp" provider.</summary>
public sealed class FtpStoragePlugin : IStoragePlugin
{
    /// <summary>The name a storage's <c>provider</c> setting uses.</summary>
    public const string ProviderName = "ftp";

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddStorageProvider<FtpStorageOptions, FtpStorageProvider>(ProviderName,
            "An FTP server over TLS (FTPS, explicit or implicit), or plain FTP when asked: vsftpd, ProFTPD, a NAS, a web host.");
}
