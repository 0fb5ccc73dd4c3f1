// The test server (OpenSSH sshd) runs as a process on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
