namespace CamShare.Testing;

/// <summary>
/// A real RTSP camera for tests: tests/tools/rtsp-camera-sim (gst-rtsp-server, H.264 + G.711 A-law, digest auth)
/// run with Debian's python3 on a fixed loopback port, so it can be stopped, killed, frozen and restarted in place.
/// </summary>
public sealed class RtspCamera : IAsyncDisposable
{
    private readonly string[] _arguments;
    private ServerProcess? _process;

    private RtspCamera(int port, string path, string[] arguments)
    {
        Port = port;
        Path = path;
        _arguments = arguments;
    }

    public const string Python = "/usr/bin/python3";
    public static string Script => System.IO.Path.Combine(RepoPaths.TestScripts, "rtsp-camera-sim");

    public int Port { get; }
    public string Path { get; }

    /// <summary>The URL without credentials (CamShare injects them).</summary>
    public string Url => $"rtsp://127.0.0.1:{Port}{Path}";

    public int? Pid => _process is { HasExited: false } p ? p.Pid : null;

    public string Output => _process?.Output ?? "";

    /// <param name="gop">Frames between key frames: short by default so that clock-aligned cuts land close to the boundary.</param>
    /// <param name="kbps">Video bit rate (x264 target); only a noisy <paramref name="pattern"/> really reaches it.</param>
    /// <param name="pattern">videotestsrc pattern: "ball" (default, ~100 kbit/s) or "snow" (noise, fills <paramref name="kbps"/>).</param>
    public static async Task<RtspCamera> StartAsync(string? user = null, string? password = null, string auth = "digest",
        int fps = 15, int gop = 5, bool audio = true, int? kbps = null, string? pattern = null)
    {
        var port = FreePort.Next();
        var args = new List<string> { Script, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--path", "/stream",
            "--fps", fps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gop", gop.ToString(System.Globalization.CultureInfo.InvariantCulture), "--auth", auth };
        if (user is not null) args.AddRange(["--user", user, "--password", password ?? ""]);
        if (!audio) args.Add("--no-audio");
        if (kbps is { } rate) args.AddRange(["--kbps", rate.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (pattern is not null) args.AddRange(["--pattern", pattern]);
        var camera = new RtspCamera(port, "/stream", [.. args]);
        await camera.StartAgainAsync();
        return camera;
    }

    /// <summary>Starts the camera (again) on the same port.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is { HasExited: false }) return;
        if (_process is not null) await _process.DisposeAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            _process = ServerProcess.Start(Python, _arguments, readyLine: l => l.StartsWith("camera ready:", StringComparison.Ordinal));
            try
            {
                await _process.WaitUntilReadyAsync(TimeSpan.FromSeconds(15));
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await _process.DisposeAsync(); // port still held by a closing socket: try again shortly
                await Task.Delay(300);
            }
        }
    }

    /// <summary>Clean stop (SIGTERM): the camera goes away, clients see the connection close.</summary>
    public Task StopAsync() => _process?.StopAsync() ?? Task.CompletedTask;

    /// <summary>Power cut (SIGKILL).</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    /// <summary>Frozen camera (SIGSTOP): connections stay open, nothing flows.</summary>
    public void Freeze() => _process?.Freeze();

    public void Thaw() => _process?.Thaw();

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}
