using CamShare.Abstractions;

namespace CamShare.Storage.GoogleDrive.Tests.Fixtures;

/// <summary>The emulator fixture with <c>allowAnyoneWithLink</c> on.</summary>
public sealed class DriveEmulatorWithLinksFixture : DriveEmulatorFixture
{
    public override IStorageProvider CreateProvider() => Create(o => o.AllowAnyoneWithLink = true);
}
