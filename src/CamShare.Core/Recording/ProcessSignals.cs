using System.Runtime.InteropServices;

namespace CamShare.Core.Recording;

/// <summary>POSIX signals by PID. .NET's Process.Kill() is SIGKILL only; a graceful ffmpeg stop needs one SIGINT.</summary>
internal static class ProcessSignals
{
    public const int SigInt = 2;
    public const int SigKill = 9;

    public static bool Send(int pid, int signal) => !OperatingSystem.IsWindows() && Kill(pid, signal) == 0;

    /// <summary>Whether a process with this PID exists (signal 0 checks without sending anything).</summary>
    public static bool Exists(int pid) => !OperatingSystem.IsWindows() && Kill(pid, 0) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
