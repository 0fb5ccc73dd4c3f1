using CamShare.Storage.Conformance;
using CamShare.Storage.WebDav.Tests.Fixtures;

namespace CamShare.Storage.WebDav.Tests;

public sealed class ApacheWebDavConformanceTests(ApacheWebDavFixture f)
    : StorageProviderConformanceTests<ApacheWebDavFixture>(f);

public sealed class NginxWebDavConformanceTests(NginxWebDavFixture f)
    : StorageProviderConformanceTests<NginxWebDavFixture>(f);
