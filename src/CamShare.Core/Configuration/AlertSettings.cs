using System.ComponentModel;
using CamShare.Abstractions;

namespace CamShare.Core.Configuration;

public enum WebhookFormat
{
    /// <summary>A JSON object: event, subject, healthy, message, at.</summary>
    Json,
    /// <summary>ntfy (ntfy.sh or self-hosted): the message as plain text, title and priority in headers.</summary>
    Ntfy,
    /// <summary>Discord's incoming webhook: { "content": ... }.</summary>
    Discord,
    /// <summary>Slack's (and Mattermost's) incoming webhook: { "text": ... }.</summary>
    Slack,
}

public sealed class WebhookSettings
{
    [Secret, Description("URL that receives a POST when a camera goes down or a destination falls behind, and when it recovers. Secret: webhook URLs carry tokens.")]
    public string? Url { get; set; }

    [Description("json (default), ntfy, discord or slack.")]
    public WebhookFormat Format { get; set; } = WebhookFormat.Json;
}

/// <summary>Who is told when something goes wrong, and a heartbeat so that a dead device is noticed by its silence.</summary>
public sealed class AlertSettings
{
    [Description("Webhooks told once when a camera or destination becomes unhealthy and once when it recovers.")]
    public List<WebhookSettings> Webhooks { get; set; } = [];

    [Secret, Description("Dead man's switch: URL fetched (GET) every heartbeatMinutes while everything is healthy (healthchecks.io, Uptime Kuma push).")]
    public string? HeartbeatUrl { get; set; }

    [Description("Minutes between heartbeats.")]
    public int HeartbeatMinutes { get; set; } = 5;

    [Description("Seconds between health checks for alerts.")]
    public int CheckSeconds { get; set; } = 15;

    [Description("At most one alert per camera or destination in this many minutes (a flapping camera is not a flood); the latest state is sent when it passes.")]
    public int MinIntervalMinutes { get; set; } = 5;
}
