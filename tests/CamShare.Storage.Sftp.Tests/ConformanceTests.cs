using CamShare.Storage.Conformance;
using CamShare.Storage.Sftp.Tests.Fixtures;

namespace CamShare.Storage.Sftp.Tests;

public sealed class PasswordSftpConformanceTests(PasswordSftpFixture f)
    : StorageProviderConformanceTests<PasswordSftpFixture>(f);

public sealed class KeySftpConformanceTests(KeySftpFixture f)
    : StorageProviderConformanceTests<KeySftpFixture>(f);
