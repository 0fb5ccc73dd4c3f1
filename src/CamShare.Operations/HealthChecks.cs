using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CamShare.Operations;

/// <summary>The health model as an ASP.NET Core health check, so /healthz answers 200 or 503 the standard way.</summary>
public sealed class CamShareHealthCheck(HealthMonitor monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = monitor.Current();
        if (snapshot is null) return Task.FromResult(HealthCheckResult.Unhealthy("the engine is not running yet"));
        if (snapshot.Healthy) return Task.FromResult(HealthCheckResult.Healthy("recording and uploading"));
        var problems = snapshot.Cameras.Where(c => !c.Healthy).Select(c => $"camera {c.Name}: {c.Detail}")
            .Concat(snapshot.Destinations.Where(d => !d.Healthy).Select(d => $"destination {d.Name}: {d.Detail}"));
        return Task.FromResult(HealthCheckResult.Unhealthy(string.Join("; ", problems)));
    }
}
