using CamShare.Storage.Conformance;

namespace CamShare.Storage.S3.Tests;

public sealed class S3ConformanceTests(S3ServerFixture f) : StorageProviderConformanceTests<S3ServerFixture>(f);
