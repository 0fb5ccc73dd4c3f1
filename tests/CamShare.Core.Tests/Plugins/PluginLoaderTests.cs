using Xunit;
using System.Reflection;
using CamShare.Core.Plugins;
using CamShare.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Core.Tests.Plugins;

public sealed class PluginLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("camshare-plugins-").FullName;
    private static string BuiltTestPlugin => Path.Combine(RepoPaths.Root, "artifacts", "test-plugins", "CamShare.TestPlugin");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string InstallTestPlugin()
    {
        var target = Path.Combine(_folder, "CamShare.TestPlugin");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(BuiltTestPlugin))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    [Fact]
    public void A_plugin_dropped_into_a_folder_registers_its_provider_and_shares_the_contract_types()
    {
        InstallTestPlugin();
        var services = new ServiceCollection();
        var catalog = PluginLoader.LoadAll(services, [_folder]);

        Assert.Empty(catalog.Failures);
        var provider = catalog.Find("testplugin");
        Assert.NotNull(provider);
        Assert.EndsWith(Path.Combine("CamShare.TestPlugin", "CamShare.TestPlugin.dll"), provider.Origin);
        Assert.NotNull(catalog.Find("local"));

        // The options type comes from the plugin's own load context, the contract from the host's.
        var options = Activator.CreateInstance(provider.OptionsType)!;
        provider.OptionsType.GetProperty("Marker")!.SetValue(options, "ok ");
        using var sp = services.BuildServiceProvider();
        var instance = provider.Create(sp, options, "test");
        Assert.Equal("ok dependency loaded", instance.GetType().GetProperty("Marker")!.GetValue(instance));
    }

    [Fact]
    public void Every_plugin_built_in_this_repository_loads_from_its_own_folder()
    {
        var services = new ServiceCollection();
        var catalog = PluginLoader.LoadAll(services, [RepoPaths.Plugins]);

        Assert.Empty(catalog.Failures);
        foreach (var (name, folder) in new[] { ("s3", "CamShare.Storage.S3"), ("webdav", "CamShare.Storage.WebDav"), ("rclone", "CamShare.Storage.Rclone") })
        {
            var provider = catalog.Find(name);
            Assert.NotNull(provider);
            Assert.Equal(Path.Combine(RepoPaths.Plugins, folder, folder + ".dll"), provider.Origin);
            // Loaded in the plugin's own context, sharing the host's contract assembly.
            Assert.NotSame(System.Runtime.Loader.AssemblyLoadContext.Default,
                System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(provider.ProviderType.Assembly));
            Assert.Same(typeof(CamShare.Abstractions.IStorageProvider).Assembly,
                provider.ProviderType.GetInterface(nameof(CamShare.Abstractions.IStorageProvider))!.Assembly);
            Assert.False(File.Exists(Path.Combine(RepoPaths.Plugins, folder, "CamShare.Abstractions.dll")),
                "the contract must come from the host, not from a copy in the plugin folder");
        }
    }

    [Fact]
    public void A_missing_dependency_is_reported_with_the_dll_and_the_missing_file()
    {
        var dir = InstallTestPlugin();
        File.Delete(Path.Combine(dir, "CamShare.TestPlugin.Dependency.dll"));
        var catalog = PluginLoader.LoadAll(new ServiceCollection(), [_folder]);

        var failure = Assert.Single(catalog.Failures);
        Assert.EndsWith("CamShare.TestPlugin.dll", failure.AssemblyPath);
        Assert.Contains("CamShare.TestPlugin.Dependency", failure.Reason);
        Assert.Null(catalog.Find("testplugin"));
        Assert.NotNull(catalog.Find("local"));
    }

    [Fact]
    public void A_plugin_that_throws_while_registering_is_reported_and_leaves_nothing_registered()
    {
        InstallTestPlugin();
        var services = new ServiceCollection();
        Environment.SetEnvironmentVariable("CAMSHARE_TESTPLUGIN_THROW", "1");
        ProviderCatalog catalog;
        try { catalog = PluginLoader.LoadAll(services, [_folder]); }
        finally { Environment.SetEnvironmentVariable("CAMSHARE_TESTPLUGIN_THROW", null); }

        var failure = Assert.Single(catalog.Failures);
        Assert.Contains("ConfigureServices threw: registration refused on purpose", failure.Reason);
        Assert.Null(catalog.Find("testplugin"));
        Assert.Single(services, d => !d.IsKeyedService && d.ImplementationInstance is CamShare.Abstractions.StorageProviderDescriptor);
    }

    [Fact]
    public void A_folder_without_its_dll_and_a_file_that_is_not_an_assembly_are_reported()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "Empty"));
        var broken = Path.Combine(_folder, "Broken");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "Broken.dll"), "not an assembly");
        var catalog = PluginLoader.LoadAll(new ServiceCollection(), [_folder]);

        Assert.Equal(2, catalog.Failures.Count);
        Assert.Contains(catalog.Failures, f => f.AssemblyPath.EndsWith(Path.Combine("Broken", "Broken.dll")) && f.Reason.Contains("not a .NET assembly"));
        Assert.Contains(catalog.Failures, f => f.AssemblyPath.EndsWith(Path.Combine("Empty", "Empty.dll")) && f.Reason.Contains("missing"));
    }

    [Fact]
    public void The_same_plugin_in_two_folders_is_a_clear_name_conflict()
    {
        InstallTestPlugin();
        var second = Directory.CreateTempSubdirectory("camshare-plugins2-").FullName;
        try
        {
            var target = Path.Combine(second, "CamShare.TestPlugin");
            Directory.CreateDirectory(target);
            foreach (var file in Directory.EnumerateFiles(BuiltTestPlugin)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            var catalog = PluginLoader.LoadAll(new ServiceCollection(), [_folder, second]);
            var failure = Assert.Single(catalog.Failures);
            Assert.Contains("provider name 'testplugin' is already taken", failure.Reason);
        }
        finally
        {
            Directory.Delete(second, recursive: true);
        }
    }

    [Theory]
    [InlineData("1.0.0.0", "incompatible contract version 1.0")]
    [InlineData("3.0.0.0", "incompatible contract version 3.0")]
    [InlineData("0.9.0.0", "incompatible contract version 0.9")]
    public void A_plugin_built_against_another_contract_major_version_is_refused(string version, string expected)
    {
        var reference = new AssemblyName("CamShare.Abstractions") { Version = Version.Parse(version) };
        Assert.Contains(expected, PluginLoader.ContractProblem(reference));
        Assert.Null(PluginLoader.ContractProblem(typeof(CamShare.Abstractions.IStoragePlugin).Assembly.GetName()));
        Assert.Contains("does not reference CamShare.Abstractions", PluginLoader.ContractProblem(null));
    }
}
