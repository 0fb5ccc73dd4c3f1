using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using CamShare.Core.Configuration;
using CamShare.Operations;

namespace CamShare.Cli;

/// <summary>`camshare status`: asks the running service's local endpoint how every camera and destination is doing.</summary>
internal static class StatusCommand
{
    public static Command Create(Option<string> config)
    {
        var json = new Option<bool>("--json") { Description = "Print the status document as JSON (for scripts)." };
        var command = new Command("status", "Show how the running service's cameras and destinations are doing (exit 0 healthy, 1 unhealthy or not running).")
        {
            config, json,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(config)!, result.GetValue(json), Console.Out, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string configPath, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        // Only the endpoint's address is needed: no plugins, no secrets.
        var listen = ConfigLoader.Read(configPath)["status:listen"] ?? StatusSettings.DefaultListen;
        if (string.Equals(listen, "off", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine("camshare: the status endpoint is off in this configuration (status.listen)");
            return ExitCodes.Failed;
        }
        using var http = new HttpClient { BaseAddress = new Uri($"http://{listen}/"), Timeout = TimeSpan.FromSeconds(5) };
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync("status", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"camshare: no service answers on {listen} ({ex.Message}); is `camshare run` running with this configuration?");
            return ExitCodes.Failed;
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (json)
            {
                output.WriteLine(text);
                return response.IsSuccessStatusCode && System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("healthy").GetBoolean() ? ExitCodes.Ok : ExitCodes.Failed;
            }
            if (!response.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"camshare: the service answered {(int)response.StatusCode}: {text}");
                return ExitCodes.Failed;
            }
            var snapshot = System.Text.Json.JsonSerializer.Deserialize<HealthSnapshot>(text, StatusServer.Json)!;
            output.Write(Format(snapshot));
            return snapshot.Healthy ? ExitCodes.Ok : ExitCodes.Failed;
        }
    }

    internal static string Format(HealthSnapshot snapshot)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"camshare: {(snapshot.Healthy ? "healthy" : "UNHEALTHY")} at {snapshot.At.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
        text.AppendLine();
        text.AppendLine(Row("CAMERA", "STATE", "LAST SEGMENT", "RUNS/H", "DETAIL"));
        foreach (var c in snapshot.Cameras)
            text.AppendLine(Row(c.Name, c.State.ToString().ToLowerInvariant(), c.LastSegmentAt?.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? "-",
                c.RunsInLastHour.ToString(CultureInfo.InvariantCulture), c.Detail));
        text.AppendLine();
        text.AppendLine(Row("DESTINATION", "HEALTH", "PENDING", "LAG", "DETAIL"));
        foreach (var d in snapshot.Destinations)
            text.AppendLine(Row(d.Name, d.Healthy ? "ok" : "LAGGING", $"{d.Pending} ({d.PendingBytes / 1048576.0:0.0} MB)",
                $"{d.LagSeconds:0} s", d.Detail + (d.LastSuccess is { } at ? $"; last upload {at.ToLocalTime():HH:mm:ss}" : "")));
        return text.ToString();
    }

    private static string Row(string a, string b, string c, string d, string e) =>
        string.Create(CultureInfo.InvariantCulture, $"{a,-14} {b,-12} {c,-16} {d,-7} {e}");
}
