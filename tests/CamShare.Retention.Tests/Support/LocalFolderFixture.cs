using CamShare.Abstractions;
using CamShare.Core.Storage.Local;
using CamShare.Storage.Conformance;

namespace CamShare.Retention.Tests.Support;

/// <summary>The built-in local provider on a temporary folder.</summary>
public sealed class LocalFolderFixture : StorageProviderFixture
{
    public string Root { get; } = Directory.CreateTempSubdirectory("camshare-retention-").FullName;

    public override IStorageProvider CreateProvider() => new LocalStorageProvider(new LocalStorageOptions { Path = Root });

    public override ValueTask DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return ValueTask.CompletedTask;
    }
}
