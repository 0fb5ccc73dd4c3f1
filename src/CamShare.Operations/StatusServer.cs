using System.Text.Json;
using System.Text.Json.Serialization;
using CamShare.Core.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace CamShare.Operations;

/// <summary>
/// The local status endpoint, on its own small Kestrel server: GET /status (the health model as JSON),
/// /healthz (200 healthy, 503 not) and /metrics (Prometheus). Read-only, no secrets; listens on 127.0.0.1 by
/// default. A port already in use is logged and the service records on without it.
/// </summary>
public sealed class StatusServer(StatusSettings settings, HealthMonitor monitor, ILogger<StatusServer> logger) : IHostedService, IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = true,
    };

    private WebApplication? _app;
    private static IDisposable? _meters;

    /// <summary>The address it listens on once started, e.g. http://127.0.0.1:8787.</summary>
    public string? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled) return;
        if (!ConfigLoader.TryParseListen(settings.Listen, out var address, out var port)) return; // validated at start-up
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders(); // Kestrel's own lines would repeat ours
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port));
        builder.Services.AddSingleton(monitor);
        builder.Services.AddHealthChecks().AddCheck<CamShareHealthCheck>("camshare");
        // The "CamShare" meter's counters and histograms join our gauges in the default registry.
        _meters ??= MeterAdapter.StartListening(new MeterAdapterOptions
        {
            InstrumentFilterPredicate = i => i.Meter.Name == Core.CamShareMetrics.MeterName,
        });
        _ = new MetricsExport(monitor, Metrics.DefaultRegistry);
        var app = builder.Build();
        app.MapGet("/status", () => monitor.Current() is { } snapshot
            ? Results.Json(snapshot, Json)
            : Results.Json(new { error = "the engine is not running yet" }, Json, statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapHealthChecks("/healthz");
        app.MapMetrics("/metrics");
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            logger.LogWarning("status endpoint not started on {Listen}: {Message}; recording goes on without it (set status.listen to a free port, or \"off\")",
                settings.Listen, ex.Message);
            await app.DisposeAsync().ConfigureAwait(false);
            return;
        }
        _app = app;
        Address = $"http://{settings.Listen}";
        logger.LogInformation("status endpoint on {Address} (/status, /healthz, /metrics)", Address);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app) await app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app) await app.DisposeAsync().ConfigureAwait(false);
    }
}
