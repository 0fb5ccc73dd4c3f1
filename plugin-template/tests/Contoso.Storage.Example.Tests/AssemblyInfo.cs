using Xunit;

// The bounded-memory conformance test measures the whole process's heap: another test uploading at the same time
// would be counted as the put's memory, so test classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
