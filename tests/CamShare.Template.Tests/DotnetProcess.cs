using System.Diagnostics;
using System.Text;

namespace CamShare.Template.Tests;

/// <summary>Runs the dotnet CLI as a child process, the way a plugin author types it.</summary>
internal static class DotnetProcess
{
    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit code {ExitCode}\n{Output}";
    }

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="workingDirectory"/>; kills the process tree (by its PID)
    /// when <paramref name="timeout"/> passes or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<Result> RunAsync(IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // The test host runs under `dotnet test`, whose MSBuild and test-platform variables would steer the child.
        foreach (var key in info.Environment.Keys.Where(IsInherited).ToList()) info.Environment.Remove(key);
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (key, value) in environment)
            if (value is null) info.Environment.Remove(key); else info.Environment[key] = value;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } // already exited
            throw new TimeoutException($"dotnet {string.Join(' ', info.ArgumentList)} did not finish within {timeout}:\n{Text(output)}");
        }
        process.WaitForExit(); // drains the redirected output
        return new Result(process.ExitCode, Text(output));
    }

    private static bool IsInherited(string key) =>
        key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) ||
        key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) ||
        key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase);

    private static string Text(StringBuilder output)
    {
        lock (output) return output.ToString();
    }
}
