using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace CamShare.Operations;

/// <summary>
/// sd_notify for `Type=notify` units: READY=1 once the engine's loops run, then WATCHDOG=1 every half
/// <c>WATCHDOG_USEC</c> only while every camera supervisor and destination loop is alive, so that systemd restarts
/// a service whose loops died or hang. Speaks whenever NOTIFY_SOCKET is set (as sd_notify does).
/// </summary>
public sealed class SystemdWatchdog(EngineHandle handle, ILogger<SystemdWatchdog> logger, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var notifier = new SystemdNotifier();
        if (!notifier.IsEnabled) return;
        var interval = WatchdogInterval() ?? TimeSpan.FromSeconds(5);
        var ready = false;
        var starved = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var alive = handle.Engine?.LoopsAlive == true;
            if (alive && !ready)
            {
                notifier.Notify(new ServiceState("READY=1\nSTATUS=recording"));
                ready = true;
            }
            if (alive && WatchdogInterval() is not null)
            {
                notifier.Notify(new ServiceState("WATCHDOG=1"));
                starved = false;
            }
            else if (ready && !alive && !starved)
            {
                starved = true;
                logger.LogCritical("a camera supervisor or destination loop is no longer running; the systemd watchdog is no longer fed, so systemd will restart camshare");
            }
            try { await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
        notifier.Notify(new ServiceState("STOPPING=1"));
    }

    // Half the watchdog period, as sd_watchdog_enabled(3) advises.
    private static TimeSpan? WatchdogInterval() =>
        long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec / 2.0)
            : null;
}
