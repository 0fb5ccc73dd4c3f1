using Xunit;

// The bounded-memory tests measure the whole process's heap: another test class uploading at the same time would
// be counted as the put's memory. The suite takes about half a minute run serially.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
