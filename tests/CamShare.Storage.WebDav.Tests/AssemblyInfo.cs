// The test servers (Apache, nginx) run as processes on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
