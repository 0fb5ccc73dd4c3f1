// The test servers (ProFTPD, vsftpd) run as processes on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
