using System.ComponentModel;
using System.Reflection;
using CamShare.Abstractions;
using CamShare.Testing;
using Xunit;

namespace CamShare.Storage.GoogleDrive.Tests;

/// <summary>The options' own rules (the host validates them once at start-up).</summary>
public sealed class OptionsTests
{
    [Fact]
    public void OAuth_needs_client_id_secret_and_token_file()
    {
        var problems = new GoogleDriveStorageOptions { RootFolderId = "x" }.Problems();
        Assert.Equal(["clientId", "clientSecret", "tokenFile"], problems.Select(p => p.Key));
    }

    [Fact]
    public void A_service_account_needs_an_existing_key_file()
    {
        var options = new GoogleDriveStorageOptions
        {
            RootFolderId = "x", Authentication = DriveAuthentication.ServiceAccount, ServiceAccountKeyFile = "/nonexistent/key.json",
        };
        Assert.Equal("serviceAccountKeyFile", Assert.Single(options.Problems()).Key);
    }

    [Theory]
    [InlineData(256, true)]
    [InlineData(8192, true)]
    [InlineData(1000, false)]
    public void The_chunk_size_is_a_multiple_of_256_KiB(int kib, bool valid)
    {
        var options = new GoogleDriveStorageOptions
        {
            RootFolderId = "x", ClientId = "id", ClientSecret = "secret", TokenFile = "/tmp/t.json", ChunkSizeKiB = kib,
        };
        Assert.Equal(valid, !options.Problems().Any(p => p.Key == "chunkSizeKiB"));
    }

    [Fact]
    public void Endpoints_must_be_absolute_http_addresses()
    {
        var options = new GoogleDriveStorageOptions
        {
            RootFolderId = "x", ClientId = "id", ClientSecret = "secret", TokenFile = "/tmp/t.json",
            TokenEndpoint = "oauth2.googleapis.com/token",
        };
        Assert.Equal("tokenEndpoint", Assert.Single(options.Problems()).Key);
    }

    [Fact]
    public void Every_option_has_help_and_the_secret_is_marked()
    {
        foreach (var property in typeof(GoogleDriveStorageOptions).GetProperties())
            Assert.NotNull(property.GetCustomAttribute<DescriptionAttribute>());
        Assert.NotNull(typeof(GoogleDriveStorageOptions).GetProperty("ClientSecret")!.GetCustomAttribute<SecretAttribute>());
        Assert.NotNull(typeof(GoogleDriveStorageOptions).GetCustomAttribute<DescriptionAttribute>());
    }

    [Fact]
    public void The_plugin_registers_the_googledrive_provider()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        new GoogleDriveStoragePlugin().ConfigureServices(services);
        var descriptor = (StorageProviderDescriptor)Assert.Single(services, s => s.ServiceType == typeof(StorageProviderDescriptor)
                                                                               && s.ServiceKey is null).ImplementationInstance!;
        Assert.Equal("googledrive", descriptor.Name);
        Assert.Equal(typeof(GoogleDriveStorageOptions), descriptor.OptionsType);
    }
}
