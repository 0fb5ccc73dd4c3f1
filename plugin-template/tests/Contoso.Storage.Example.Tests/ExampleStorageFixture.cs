using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using Microsoft.Extensions.Logging.Abstractions;

namespace Contoso.Storage.Example.Tests;

/// <summary>
/// Gives the conformance suite providers against a real backend. REPLACE: start (or find) a real server for your
/// backend in <see cref="InitializeAsync"/> (as a process you start and stop by its PID, or a test account from
/// environment variables), stop it in <see cref="DisposeAsync"/>, and override
/// <see cref="StorageProviderFixture.CreateProviderWithBadCredentials"/> and
/// <see cref="StorageProviderFixture.CreateProviderForUnreachableServer"/> so the error tests run instead of skipping.
/// </summary>
public sealed class ExampleStorageFixture : StorageProviderFixture
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "camshare-conformance-" + Guid.NewGuid().ToString("N")[..12]);

    public override ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        return ValueTask.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        return ValueTask.CompletedTask;
    }

    public ExampleStorageOptions Options() => new() { Path = Root };

    public override IStorageProvider CreateProvider() =>
        new ExampleStorageProvider(Options(), NullLogger<ExampleStorageProvider>.Instance);
}
