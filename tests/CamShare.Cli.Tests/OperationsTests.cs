using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using CamShare.Testing;
using Xunit;

namespace CamShare.Cli.Tests;

/// <summary>
/// The running service tells how it is: `camshare status`, /healthz, /metrics on its local endpoint, and systemd's
/// watchdog through a real NOTIFY_SOCKET; a camera that goes away makes it unhealthy and its return healthy again.
/// </summary>
public sealed partial class OperationsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-ops-").FullName;
    private readonly int _port = FreePort.Next();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Config(string url, int segmentSeconds = 2, string alerts = "{}", int graceSeconds = 2) =>
        WriteConfig($$"""
            { "cameras": [ { "name": "porch", "url": "{{url}}", "segmentSeconds": {{segmentSeconds}}, "destinations": ["nas"] } ],
              "storages": [ { "name": "nas", "provider": "local", "path": "{{Path.Combine(_dir, "nas")}}" } ],
              "spool": { "path": "{{Path.Combine(_dir, "spool")}}" },
              "status": { "listen": "127.0.0.1:{{_port}}", "cameraGraceSeconds": {{graceSeconds}} },
              "alerts": {{alerts}} }
            """);

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_dir, "camshare.json");
        File.WriteAllText(path, json);
        return path;
    }

    private int StoredSegments() =>
        Directory.Exists(Path.Combine(_dir, "nas")) ? Directory.EnumerateFiles(Path.Combine(_dir, "nas"), "*.mp4", SearchOption.AllDirectories).Count() : 0;

    [Fact]
    public async Task Status_healthz_and_metrics_describe_the_running_service()
    {
        var config = Config("demo:");
        await using var service = CamShareService.Start(config);
        await service.WaitUntilAsync(() => StoredSegments() >= 2, TimeSpan.FromSeconds(60), "two segments uploaded");

        var status = await CamShareCli.RunAsync(["status", "--config", config]);
        Assert.True(status.ExitCode == 0, status.StandardOutput + status.StandardError);
        Assert.Contains("camshare: healthy", status.StandardOutput);
        Assert.Matches(@"porch\s+recording\s+\d\d:\d\d:\d\d\s+1\s", status.StandardOutput);
        Assert.Matches(@"nas\s+ok\s+", status.StandardOutput);

        var json = await CamShareCli.RunAsync(["status", "--config", config, "--json"]);
        Assert.Equal(0, json.ExitCode);
        using (var document = System.Text.Json.JsonDocument.Parse(json.StandardOutput))
        {
            Assert.True(document.RootElement.GetProperty("healthy").GetBoolean());
            Assert.Equal("recording", document.RootElement.GetProperty("cameras")[0].GetProperty("state").GetString());
        }

        using (var health = await _http.GetAsync($"http://127.0.0.1:{_port}/healthz", TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        var metrics = await _http.GetStringAsync($"http://127.0.0.1:{_port}/metrics", TestContext.Current.CancellationToken);
        var stored = StoredSegments(); // after the scrape: uploads only go up
        var uploaded = Value(metrics, "camshare_segments_uploaded_total", "camera=\"porch\",destination=\"nas\"");
        var recorded = Value(metrics, "camshare_segments_recorded_total", "camera=\"porch\"");
        Assert.InRange(uploaded, 2, stored);
        Assert.True(recorded >= uploaded, $"recorded {recorded} < uploaded {uploaded}");
        Assert.Equal(1, Value(metrics, "camshare_ffmpeg_starts_total", "camera=\"porch\""));
        Assert.Equal(1, Value(metrics, "camshare_healthy", null));
        Assert.Equal(uploaded, Value(metrics, "camshare_upload_duration_seconds_count", "camera=\"porch\",destination=\"nas\""));
        Assert.True(Value(metrics, "camshare_upload_bytes_total", "camera=\"porch\",destination=\"nas\"") > 0);

        Assert.Equal(0, await service.StopAsync());
    }

    [Fact]
    public async Task A_camera_that_goes_away_makes_the_service_unhealthy_and_its_return_healthy_again()
    {
        await using var camera = await RtspCamera.StartAsync();
        using var hooks = new WebhookListener();
        // A grace of 10 s: a loaded machine's ffmpeg restart after the camera's return must not read as a new outage.
        var config = Config(camera.Url, graceSeconds: 10, alerts: $$"""
            { "webhooks": [ { "url": "{{hooks.Url}}hook", "format": "json" }, { "url": "{{hooks.Url}}ntfy", "format": "ntfy" } ],
              "heartbeatUrl": "{{hooks.Url}}ping", "heartbeatMinutes": 1, "checkSeconds": 1, "minIntervalMinutes": 0 }
            """);
        await using var service = CamShareService.Start(config);
        await service.WaitUntilAsync(() => StoredSegments() >= 1, TimeSpan.FromSeconds(60), "a first segment");
        Assert.Equal(HttpStatusCode.OK, await HealthAsync());

        await camera.StopAsync();
        await WaitForHealthAsync(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60));
        var down = await CamShareCli.RunAsync(["status", "--config", config]);
        Assert.Equal(1, down.ExitCode);
        Assert.Contains("UNHEALTHY", down.StandardOutput);
        Assert.Matches(@"porch\s+(failing|reconnecting)\s", down.StandardOutput);
        Assert.Contains("no segment for", down.StandardOutput);

        await camera.StartAgainAsync();
        await WaitForHealthAsync(HttpStatusCode.OK, TimeSpan.FromSeconds(90));
        var metrics = await _http.GetStringAsync($"http://127.0.0.1:{_port}/metrics", TestContext.Current.CancellationToken);
        Assert.True(Value(metrics, "camshare_ffmpeg_starts_total", "camera=\"porch\"") >= 2, "ffmpeg was restarted");
        await service.WaitUntilAsync(() => hooks.Received("/hook").Count >= 2, TimeSpan.FromSeconds(10), "the recovery alert");
        Assert.Equal(0, await service.StopAsync());

        // Exactly one alert each way, in order, to each webhook in its own format; the heartbeat while healthy.
        var json = hooks.Received("/hook").Select(b => System.Text.Json.JsonDocument.Parse(b).RootElement).ToList();
        Assert.Equal(["camera_down", "camera_recovered"], json.Select(e => e.GetProperty("event").GetString()));
        Assert.All(json, e => Assert.Equal("camera porch", e.GetProperty("subject").GetString()));
        Assert.Equal([false, true], json.Select(e => e.GetProperty("healthy").GetBoolean()));
        var ntfy = hooks.Requests("/ntfy");
        Assert.Equal(2, ntfy.Count);
        Assert.Equal("CamShare: camera porch is down", ntfy[0].Title);
        Assert.Equal("CamShare: camera porch recovered", ntfy[1].Title);
        Assert.NotEmpty(hooks.Received("/ping"));
    }

    [Fact]
    public async Task Gaps_shows_the_outage_between_two_runs_and_counts_the_stored_slots()
    {
        var config = WriteConfig($$"""
            { "cameras": [ { "name": "porch", "url": "demo:", "segmentSeconds": 2, "timeZone": "UTC", "destinations": ["nas"] } ],
              "storages": [ { "name": "nas", "provider": "local", "path": "{{Path.Combine(_dir, "nas")}}" } ],
              "spool": { "path": "{{Path.Combine(_dir, "spool")}}" }, "status": { "listen": "off" } }
            """);
        await using (var first = CamShareService.Start(config))
        {
            await first.WaitUntilAsync(() => StoredSegments() >= 3, TimeSpan.FromSeconds(60), "three segments");
            Assert.Equal(0, await first.StopAsync());
        }
        var beforeOutage = StoredSegments();
        await Task.Delay(TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken); // the outage: four slots or more
        await using (var second = CamShareService.Start(config))
        {
            await second.WaitUntilAsync(() => StoredSegments() >= beforeOutage + 3, TimeSpan.FromSeconds(60), "three more segments");
            Assert.Equal(0, await second.StopAsync());
        }

        var files = Directory.EnumerateFiles(Path.Combine(_dir, "nas"), "*.mp4", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        var starts = files.Select(f => DateTimeOffset.ParseExact(f![..15], "yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal)).ToList();
        var day = starts.Min();
        var slots = starts.Where(s => s.Date == day.Date).Select(s => (long)(s - day.Date).TotalSeconds / 2).Distinct().Count();
        var gaps = await CamShareCli.RunAsync(["gaps", "--config", config, "--camera", "porch", "--day", day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.True(gaps.ExitCode == 0, gaps.StandardOutput + gaps.StandardError);
        Assert.Contains($"nas: {slots} of ", gaps.StandardOutput);
        // Runs of slots in time order: ... stored, missing (the outage), stored ...
        var runs = GapRun().Matches(gaps.StandardOutput).Select(m => m.Groups[1].Value).ToList();
        var firstStored = runs.IndexOf("stored");
        Assert.True(firstStored >= 0, gaps.StandardOutput);
        var outage = runs.FindIndex(firstStored, r => r == "missing");
        Assert.True(outage > firstStored && runs.FindIndex(outage, r => r == "stored") > outage, "no stored-missing-stored pattern:\n" + gaps.StandardOutput);
        var unknown = await CamShareCli.RunAsync(["gaps", "--config", config, "--camera", "garage"]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'garage' is not configured", unknown.StandardError);
    }

    [GeneratedRegex(@"(?m)^\d\d:\d\d:\d\d  \d\d:\d\d:\d\d\s+\d+  (\S+)")]
    private static partial Regex GapRun();

    [Fact]
    public async Task Under_systemd_it_says_ready_and_feeds_the_watchdog_through_notify_socket()
    {
        var socketPath = Path.Combine(_dir, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var config = Config("demo:");
        await using var service = CamShareService.Start(config, new Dictionary<string, string?>
        {
            ["NOTIFY_SOCKET"] = socketPath,
            ["WATCHDOG_USEC"] = "2000000",
        });

        var messages = new List<string>();
        var buffer = new byte[4096];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (messages.Count(m => m.Contains("WATCHDOG=1")) < 3)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            messages.Add(Encoding.UTF8.GetString(buffer, 0, read));
        }
        Assert.Contains(messages, m => m.Split('\n').Contains("READY=1"));
        Assert.True(messages.FindIndex(m => m.Contains("READY=1")) < messages.FindIndex(m => m.Contains("WATCHDOG=1")),
            string.Join(" | ", messages));
        Assert.Equal(0, await service.StopAsync());
    }

    [Fact]
    public async Task The_sample_systemd_unit_passes_systemd_analyze_verify()
    {
        if (!File.Exists("/usr/bin/systemd-analyze")) { Assert.Skip("systemd-analyze is not installed"); return; }
        // verify checks that ExecStart exists: point it at a program that does.
        var unit = Path.Combine(_dir, "camshare.service");
        File.WriteAllText(unit, File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "camshare.service"))
            .Replace("/opt/camshare/camshare", "/bin/true", StringComparison.Ordinal));
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/systemd-analyze") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("verify");
        info.ArgumentList.Add(unit);
        using var verify = System.Diagnostics.Process.Start(info)!;
        var errors = await verify.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await verify.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(verify.ExitCode == 0, errors);
        Assert.DoesNotContain("Unknown key", errors);
    }

    private async Task<HttpStatusCode> HealthAsync()
    {
        using var response = await _http.GetAsync($"http://127.0.0.1:{_port}/healthz", TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private async Task WaitForHealthAsync(HttpStatusCode wanted, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await HealthAsync() != wanted)
        {
            Assert.True(clock.Elapsed < timeout, $"/healthz did not become {(int)wanted} within {timeout.TotalSeconds:0} s");
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
    }

    // The value of one series in Prometheus text format, e.g. name{labels} 3.
    private static double Value(string metrics, string name, string? labels)
    {
        var pattern = labels is null ? $@"^{Regex.Escape(name)} (\S+)$" : $@"^{Regex.Escape(name)}\{{{Regex.Escape(labels)}\}} (\S+)$";
        var match = Regex.Match(metrics, pattern, RegexOptions.Multiline);
        Assert.True(match.Success, $"no series {name}{{{labels}}} in:\n{metrics}");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A real HTTP server on 127.0.0.1 that records every request it gets.</summary>
    private sealed class WebhookListener : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<(string Path, string Body, string? Title)> _requests = [];

        public WebhookListener()
        {
            Url = $"http://127.0.0.1:{FreePort.Next()}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public string Url { get; }

        public IReadOnlyList<string> Received(string path) { lock (_requests) return _requests.Where(r => r.Path == path).Select(r => r.Body).ToList(); }

        public IReadOnlyList<(string Body, string? Title)> Requests(string path) { lock (_requests) return _requests.Where(r => r.Path == path).Select(r => (r.Body, r.Title)).ToList(); }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException) { return; }
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    var body = await reader.ReadToEndAsync();
                    lock (_requests) _requests.Add((context.Request.Url!.AbsolutePath, body, context.Request.Headers["Title"]));
                }
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
