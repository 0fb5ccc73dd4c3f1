using CamShare.Storage.Conformance;
using CamShare.Storage.Ftp.Tests.Fixtures;

namespace CamShare.Storage.Ftp.Tests;

/// <summary>ProFTPD: MLSD, virtual users, explicit TLS with session reuse required (its default).</summary>
public sealed class ProftpdConformanceTests(ProftpdFixture f) : StorageProviderConformanceTests<ProftpdFixture>(f);

/// <summary>vsftpd: no MLSD (LIST + MDTM), TLS forced, require_ssl_reuse=YES.</summary>
public sealed class VsftpdConformanceTests(VsftpdFixture f) : StorageProviderConformanceTests<VsftpdFixture>(f);
