using System.Runtime.InteropServices;

namespace CamShare.Core.Storage.Local;

/// <summary>
/// Flushes a folder's entries to disk, which makes a rename durable. .NET cannot open a directory as a file, so
/// on Linux and macOS this calls open(O_DIRECTORY) and fsync through libc; Windows needs and has no such call.
/// </summary>
internal static class DirectorySync
{
    /// <summary>How many folder flushes succeeded (tests prove the call really happens).</summary>
    internal static long Flushes;

    private const int ReadOnly = 0;
    private static readonly int OpenDirectoryFlag = OperatingSystem.IsMacOS() ? 0x100000 : 0x10000; // O_DIRECTORY

    public static void Flush(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = Open(folder, ReadOnly | OpenDirectoryFlag);
        if (fd < 0)
            throw new IOException($"cannot open folder {folder} to flush it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            // Some file systems (network shares) refuse fsync on folders: EINVAL there means "nothing to flush".
            if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is not (22 or 95))
                throw new IOException($"fsync of folder {folder} failed (errno {Marshal.GetLastPInvokeError()})");
            Interlocked.Increment(ref Flushes);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
