using System.Net.Http.Json;
using System.Text;
using CamShare.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CamShare.Operations;

/// <summary>One change worth telling: a camera or destination became unhealthy, or recovered.</summary>
public sealed record Alert(string Subject, bool Healthy, string Message, DateTimeOffset At)
{
    public string Event => Subject.StartsWith("camera ", StringComparison.Ordinal)
        ? Healthy ? "camera_recovered" : "camera_down"
        : Healthy ? "destination_recovered" : "destination_lagging";

    public string Title => $"CamShare: {Subject} {(Healthy ? "recovered" : Subject.StartsWith("camera ", StringComparison.Ordinal) ? "is down" : "is falling behind")}";
}

/// <summary>
/// Watches the health model and tells the configured webhooks once per change of each camera and destination
/// (down, then recovered), at most once per <see cref="AlertSettings.MinIntervalMinutes"/> per subject with the
/// latest state sent when the interval has passed; pings the heartbeat URL while all is healthy. A webhook that
/// fails is logged, never retried in a loop, and never touches recording.
/// </summary>
public sealed class AlertMonitor(AlertSettings settings, HealthMonitor monitor, ILogger<AlertMonitor> logger, TimeProvider time,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private readonly Dictionary<string, bool> _told = new(StringComparer.Ordinal);   // last state sent per subject
    private readonly Dictionary<string, DateTimeOffset> _toldAt = new(StringComparer.Ordinal);
    private DateTimeOffset _lastHeartbeat = DateTimeOffset.MinValue;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Webhooks.Count == 0 && settings.HeartbeatUrl is null) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.CheckSeconds), time);
        do
        {
            try
            {
                await CheckAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError("alerts: the health check failed ({Message}); recording is not affected", ex.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false); }
        catch (OperationCanceledException) { return false; }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        // A stopping service stops its cameras first: that is no outage to tell anyone about.
        if (lifetime.ApplicationStopping.IsCancellationRequested || monitor.Current() is not { } snapshot) return;
        var subjects = snapshot.Cameras.Select(c => ($"camera {c.Name}", c.Healthy, c.Detail))
            .Concat(snapshot.Destinations.Select(d => ($"destination {d.Name}", d.Healthy, d.Detail)));
        foreach (var (subject, healthy, detail) in subjects)
        {
            // Nothing to say about a subject that has been healthy since the start.
            var previous = _told.TryGetValue(subject, out var told) ? told : true;
            if (previous == healthy) continue;
            if (_toldAt.TryGetValue(subject, out var at) && snapshot.At - at < TimeSpan.FromMinutes(settings.MinIntervalMinutes)) continue;
            _told[subject] = healthy;
            _toldAt[subject] = snapshot.At;
            var alert = new Alert(subject, healthy, detail, snapshot.At);
            logger.Log(healthy ? LogLevel.Information : LogLevel.Warning, "alert: {Title}: {Message}", alert.Title, alert.Message);
            for (var i = 0; i < settings.Webhooks.Count; i++)
                await SendAsync(i, settings.Webhooks[i], alert, cancellationToken).ConfigureAwait(false);
        }
        if (snapshot.Healthy && settings.HeartbeatUrl is { } heartbeat && snapshot.At - _lastHeartbeat >= TimeSpan.FromMinutes(settings.HeartbeatMinutes))
        {
            _lastHeartbeat = snapshot.At;
            try
            {
                using var response = await _http.GetAsync(heartbeat, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    logger.LogWarning("alerts: the heartbeat URL answered {Status}", (int)response.StatusCode);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("alerts: the heartbeat URL could not be reached ({Kind})", ex.GetType().Name);
            }
        }
    }

    private async Task SendAsync(int index, WebhookSettings webhook, Alert alert, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = Body(webhook.Format, alert) };
            if (webhook.Format == WebhookFormat.Ntfy)
            {
                request.Headers.Add("Title", alert.Title);
                request.Headers.Add("Priority", alert.Healthy ? "default" : "high");
                request.Headers.Add("Tags", alert.Healthy ? "white_check_mark" : "rotating_light");
            }
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                logger.LogWarning("alerts: webhook #{Index} ({Format}) answered {Status}", index + 1, webhook.Format, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The URL is a secret (it carries the token): named by its place in the list only.
            logger.LogWarning("alerts: webhook #{Index} ({Format}) could not be reached ({Kind})", index + 1, webhook.Format, ex.GetType().Name);
        }
    }

    internal static HttpContent Body(WebhookFormat format, Alert alert)
    {
        var text = $"{alert.Title}: {alert.Message}";
        return format switch
        {
            WebhookFormat.Ntfy => new StringContent(alert.Message, Encoding.UTF8, "text/plain"),
            WebhookFormat.Discord => JsonContent.Create(new { content = text }),
            WebhookFormat.Slack => JsonContent.Create(new { text }),
            _ => JsonContent.Create(new { @event = alert.Event, subject = alert.Subject, healthy = alert.Healthy, message = alert.Message, at = alert.At }),
        };
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
