using CamShare.Abstractions;
using CamShare.Core.Storage.Local;
using CamShare.Storage.Conformance;

namespace CamShare.Core.Tests.Storage;

public sealed class LocalStorageFixture : StorageProviderFixture
{
    public string Root { get; } = Directory.CreateTempSubdirectory("camshare-local-").FullName;

    public override IStorageProvider CreateProvider() => new LocalStorageProvider(new LocalStorageOptions { Path = Root });

    public override ValueTask DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return ValueTask.CompletedTask;
    }
}

public sealed class LocalStorageConformanceTests(LocalStorageFixture fixture)
    : StorageProviderConformanceTests<LocalStorageFixture>(fixture);
