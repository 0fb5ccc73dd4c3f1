using CamShare.Storage.Conformance;

namespace CamShare.Storage.Rclone.Tests;

public sealed class RcloneLocalConformanceTests(LocalRemoteFixture f) : StorageProviderConformanceTests<LocalRemoteFixture>(f);

public sealed class RcloneSftpConformanceTests(SftpRemoteFixture f) : StorageProviderConformanceTests<SftpRemoteFixture>(f);
