using CamShare.Retention.Tests.Support;
using CamShare.Storage.Ftp.Tests.Fixtures;
using CamShare.Storage.GoogleDrive.Tests.Fixtures;
using CamShare.Storage.Rclone.Tests;
using CamShare.Storage.S3.Tests;
using CamShare.Storage.Sftp.Tests.Fixtures;
using CamShare.Storage.WebDav.Tests.Fixtures;

namespace CamShare.Retention.Tests;

// Each provider against its real server, through the fixture its own tests use.

public sealed class LocalRetentionTests(LocalFolderFixture f) : RetentionSuite<LocalFolderFixture>(f);

/// <summary>s3rver 5 (SigV4 checked); S3 has prefixes, not folders.</summary>
public sealed class S3RetentionTests(S3ServerFixture f) : RetentionSuite<S3ServerFixture>(f);

public sealed class ApacheWebDavRetentionTests(ApacheWebDavFixture f) : RetentionSuite<ApacheWebDavFixture>(f);

public sealed class NginxWebDavRetentionTests(NginxWebDavFixture f) : RetentionSuite<NginxWebDavFixture>(f);

/// <summary>A real OpenSSH sshd.</summary>
public sealed class SftpRetentionTests(PasswordSftpFixture f) : RetentionSuite<PasswordSftpFixture>(f);

/// <summary>ProFTPD with explicit TLS.</summary>
public sealed class FtpRetentionTests(ProftpdFixture f) : RetentionSuite<ProftpdFixture>(f);

/// <summary>The real rclone binary on a local remote.</summary>
public sealed class RcloneRetentionTests(LocalRemoteFixture f) : RetentionSuite<LocalRemoteFixture>(f)
{
    protected override int SegmentsPerDay => 1;
}

/// <summary>The Drive v3 emulator the Drive tests use.</summary>
public sealed class GoogleDriveRetentionTests(DriveEmulatorFixture f) : RetentionSuite<DriveEmulatorFixture>(f);
