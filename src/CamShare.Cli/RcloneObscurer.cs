using System.Diagnostics;

namespace CamShare.Cli;

/// <summary>
/// rclone's config form of a password ("obscured": reversible, only against shoulder-surfing), made by the real
/// `rclone obscure -`, which reads it from standard input so that it is on no command line. The encryption
/// assembly's own obscurer can replace this once merged.
/// </summary>
internal static class RcloneObscurer
{
    public static async Task<string> ObscureAsync(string rclone, string password, CancellationToken cancellationToken)
    {
        if (password.Contains('\n') || password.Contains('\r'))
            throw new UsageException("the password has a line break, which `rclone obscure -` cannot read; it cannot be written as an rclone config");
        var info = new ProcessStartInfo(rclone) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("obscure");
        info.ArgumentList.Add("-");
        Abstractions.ChildEnvironment.Restrict(info);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("rclone did not start");
        await process.StandardInput.WriteLineAsync(password.AsMemory(), cancellationToken);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new InvalidOperationException($"rclone obscure failed (exit code {process.ExitCode})");
        return output.Trim();
    }
}
