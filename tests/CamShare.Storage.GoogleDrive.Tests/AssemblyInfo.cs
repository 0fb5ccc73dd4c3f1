// The token-file permission checks are Unix file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
