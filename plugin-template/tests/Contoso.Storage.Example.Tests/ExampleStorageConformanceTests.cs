using CamShare.Storage.Conformance;

namespace Contoso.Storage.Example.Tests;

/// <summary>The whole provider contract, checked against the fixture's backend. Nothing else belongs here.</summary>
public sealed class ExampleStorageConformanceTests(ExampleStorageFixture fixture)
    : StorageProviderConformanceTests<ExampleStorageFixture>(fixture);
