global using Xunit;
global using CamShare.Viewer.Tests.Fixtures;

// The browser, ffmpeg, rclone and camshare run as processes on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
