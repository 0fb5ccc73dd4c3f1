using CamShare.Storage.Conformance;
using CamShare.Storage.GoogleDrive.Tests.Fixtures;

namespace CamShare.Storage.GoogleDrive.Tests;

/// <summary>The shared provider conformance suite against the Drive v3 emulator.</summary>
public sealed class DriveEmulatorConformanceTests(DriveEmulatorFixture f)
    : StorageProviderConformanceTests<DriveEmulatorFixture>(f);

/// <summary>The same suite with share links allowed (anyone-with-the-link), so the link test runs too.</summary>
public sealed class DriveEmulatorWithLinksConformanceTests(DriveEmulatorWithLinksFixture f)
    : StorageProviderConformanceTests<DriveEmulatorWithLinksFixture>(f);

/// <summary>The same suite against a real Drive account, opt-in through environment variables (skipped without).</summary>
public sealed class RealDriveConformanceTests(RealDriveFixture f)
    : StorageProviderConformanceTests<RealDriveFixture>(f);
