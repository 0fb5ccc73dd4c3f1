global using Xunit;

// rclone, ffmpeg and camshare run as processes on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
