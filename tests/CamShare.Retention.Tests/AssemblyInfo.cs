using Xunit;

// Each server fixture is a real process; one at a time keeps this 2-core machine's load (and the ports) sane.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
