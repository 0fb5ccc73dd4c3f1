using System.ComponentModel.DataAnnotations;
using CamShare.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Contoso.Storage.Example.Tests;

/// <summary>What camshare sees of the plugin before any storage uses it: its registration and its options.</summary>
public sealed class ExampleStoragePluginTests
{
    [Fact]
    public void The_plugin_registers_its_provider_under_its_name()
    {
        var services = new ServiceCollection();
        new ExampleStoragePlugin().ConfigureServices(services);

        var descriptor = Assert.Single(services.BuildServiceProvider().GetServices<StorageProviderDescriptor>());
        Assert.Equal(ExampleStoragePlugin.ProviderName, descriptor.Name);
        Assert.Equal(typeof(ExampleStorageOptions), descriptor.OptionsType);
        Assert.Equal(typeof(ExampleStorageProvider), descriptor.ProviderType);
    }

    [Fact]
    public void Options_without_a_folder_are_refused_with_a_fix()
    {
        var problem = Assert.Single(Problems(new ExampleStorageOptions()));
        Assert.Equal(nameof(ExampleStorageOptions.Path), Assert.Single(problem.MemberNames));
    }

    [Fact]
    public void Valid_options_have_no_problems() =>
        Assert.Empty(Problems(new ExampleStorageOptions { Path = "/srv/recordings" }));

    // The same rules camshare applies at start: the attributes first, then the options' own Validate.
    private static List<ValidationResult> Problems(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
