using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Abstractions;

/// <summary>
/// The entry point of a provider plugin. The host creates it with its parameterless constructor and calls
/// <see cref="ConfigureServices"/> once; the plugin registers its provider(s) there with
/// <see cref="StorageServiceCollectionExtensions.AddStorageProvider{TOptions, TProvider}"/>.
/// </summary>
public interface IStoragePlugin
{
    /// <summary>Registers the plugin's providers (and any services they need).</summary>
    void ConfigureServices(IServiceCollection services);
}

/// <summary>Everything the host knows about a provider before any storage uses it.</summary>
public sealed class StorageProviderDescriptor
{
    internal StorageProviderDescriptor(string name, string description, Type optionsType, Type providerType,
        Func<IServiceProvider, object, string, IStorageProvider> create)
    {
        Name = name;
        Description = description;
        OptionsType = optionsType;
        ProviderType = providerType;
        _create = create;
    }

    private readonly Func<IServiceProvider, object, string, IStorageProvider> _create;

    /// <summary>The name a storage's <c>provider</c> setting uses, e.g. "s3". Lower case.</summary>
    public string Name { get; }

    /// <summary>One line for <c>camshare providers</c>.</summary>
    public string Description { get; }

    /// <summary>The options class bound from the storage's settings.</summary>
    public Type OptionsType { get; }

    /// <summary>The provider class (its capability interfaces are read from it).</summary>
    public Type ProviderType { get; }

    /// <summary>Where the provider came from: "built in" or the plugin's file path. Set by the host.</summary>
    public string Origin { get; set; } = "built in";

    /// <summary>Creates a provider for the storage named <paramref name="storageName"/>.</summary>
    public IStorageProvider Create(IServiceProvider services, object options, string storageName) =>
        _create(services, options, storageName);
}

/// <summary>Identifies the configured storage a provider instance serves (for logs and temporary names).</summary>
/// <param name="Name">The storage's name from the configuration.</param>
public sealed record StorageIdentity(string Name);

/// <summary>Registration helpers for plugins.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers provider <typeparamref name="TProvider"/> under <paramref name="name"/> with options
    /// <typeparamref name="TOptions"/>. The provider is created per configured storage through its constructor,
    /// which may take <typeparamref name="TOptions"/>, a <see cref="StorageIdentity"/>, and any service from the
    /// container (an <c>ILogger&lt;TProvider&gt;</c>, for instance).
    /// </summary>
    public static IServiceCollection AddStorageProvider<TOptions, TProvider>(this IServiceCollection services,
        string name, string description)
        where TOptions : class, new()
        where TProvider : class, IStorageProvider
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var descriptor = new StorageProviderDescriptor(name.ToLowerInvariant(), description, typeof(TOptions),
            typeof(TProvider),
            (sp, options, storage) => ActivatorUtilities.CreateInstance<TProvider>(sp,
                ConstructorArguments(typeof(TProvider), options, new StorageIdentity(storage))));
        services.AddSingleton(descriptor);
        services.AddKeyedSingleton(descriptor.Name, descriptor);
        return services;
    }

    // ActivatorUtilities refuses arguments the constructor does not take, so pass only those it declares.
    private static object[] ConstructorArguments(Type providerType, object options, StorageIdentity identity)
    {
        var parameters = providerType.GetConstructors()
            .OrderByDescending(c => c.GetParameters().Length).First().GetParameters();
        var arguments = new List<object>();
        if (parameters.Any(p => p.ParameterType.IsInstanceOfType(options))) arguments.Add(options);
        if (parameters.Any(p => p.ParameterType == typeof(StorageIdentity))) arguments.Add(identity);
        return [.. arguments];
    }
}
