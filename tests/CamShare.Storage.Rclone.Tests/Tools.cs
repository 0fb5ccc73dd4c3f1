using System.Diagnostics;

namespace CamShare.Storage.Rclone.Tests;

/// <summary>The programs the fixtures need; a missing one fails the fixture with what to do.</summary>
internal static class Tools
{
    public const string InstallHint = "run `bash .ci/install` (Debian packages rclone, openssh-server, openssh-client)";

    public static string Rclone => Find("rclone", "rclone");
    public static string Sshd => File.Exists("/usr/sbin/sshd") ? "/usr/sbin/sshd" : Find("sshd", "sshd (openssh-server)");
    public static string SshKeygen => Find("ssh-keygen", "ssh-keygen (openssh-client)");

    private static string Find(string name, string what) =>
        RcloneBinary.Resolve(name) ?? throw new InvalidOperationException($"{what} is not installed: {InstallHint}.");

    /// <summary>Runs a helper program to its end; throws with its output when it fails.</summary>
    public static async Task RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stdout}{await stderr}");
    }

    /// <summary>PIDs of live processes named <paramref name="comm"/> whose parent is this test process.</summary>
    public static List<int> ChildrenNamed(string comm)
    {
        var me = Environment.ProcessId;
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // pid (comm) state ppid ...
                var open = stat.IndexOf('('); var close = stat.LastIndexOf(')');
                var name = stat[(open + 1)..close];
                var rest = stat[(close + 2)..].Split(' ');
                if (name == comm && int.Parse(rest[1]) == me) found.Add(pid); // zombies count: a child not reaped
            }
            catch (IOException) { }
        }
        return found;
    }

    /// <summary>Whether a process with this PID exists (zombies included).</summary>
    public static bool ProcessExists(int pid) => Directory.Exists($"/proc/{pid}");
}
