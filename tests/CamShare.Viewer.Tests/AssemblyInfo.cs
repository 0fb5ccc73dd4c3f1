global using Xunit;

// The browser, ffmpeg and rclone run as processes on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
