using System.Text.RegularExpressions;
using CamShare.Testing;

namespace CamShare.Storage.Rclone.Tests.EndToEnd;

/// <summary>
/// The real `camshare run --config FILE` (a <see cref="CamShareService"/>), with helpers that read its log lines:
/// segments closed, uploads verified per destination, configuration errors.
/// </summary>
internal sealed partial class CamshareRun : IAsyncDisposable
{
    private readonly CamShareService _process;

    private CamshareRun(CamShareService process) => _process = process;

    public static CamshareRun Start(string config, IDictionary<string, string?> environment) =>
        new(CamShareService.Start(config, environment));

    public int Pid => _process.Pid;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode ?? throw new InvalidOperationException("camshare is still running");
    public string Output => _process.Output;

    /// <summary>Keys reported "uploaded ..., verified" to <paramref name="destination"/>, in log order.</summary>
    public List<string> Uploads(string destination) => UploadsIn(Output, destination);

    /// <summary>File names of the segments reported "closed", in log order.</summary>
    public List<string> Closed() => ClosedIn(Output);

    public static List<string> UploadsIn(string output, string destination) =>
        Regex.Matches(output, $@"→ {Regex.Escape(destination)}: uploaded (\S+\.mp4), verified")
            .Select(m => m.Groups[1].Value).ToList();

    public static List<string> ClosedIn(string output) =>
        ClosedLine().Matches(output).Select(m => m.Groups[1].Value).ToList();

    public static List<string> LinesContaining(string output, string text) =>
        output.Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal)).Select(l => l.TrimEnd('\r')).ToList();

    /// <summary>Polls the output until <paramref name="condition"/> holds; fails with the whole output otherwise.</summary>
    public async Task WaitForAsync(Func<CamshareRun, bool> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!condition(this))
        {
            if (_process.HasExited) throw new InvalidOperationException($"camshare exited ({_process.ExitCode}) while waiting for {what}:\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {what} after {seconds} s:\n{Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>SIGTERM (once) and waits for the exit; SIGKILL and a TimeoutException if it has not exited after
    /// <paramref name="graceSeconds"/>.</summary>
    public Task StopAsync(int graceSeconds = 45) => _process.StopAsync(TimeSpan.FromSeconds(graceSeconds));

    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex(@": segment (\S+\.mp4) closed \(")]
    private static partial Regex ClosedLine();
}
