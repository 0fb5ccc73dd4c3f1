using CamShare.Abstractions;
using CamShare.Core;
using CamShare.Core.Plugins;
using CamShare.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace CamShare.Cli;

/// <summary>The Generic Host around the engine: logging (systemd-aware), signals, clean shutdown.</summary>
internal static class ServiceHost
{
    public static async Task<int> RunAsync(Func<IServiceCollection, Startup> load, bool demo, TimeSpan? stopAfter = null)
    {
        CommandVerbs.RequireFfmpeg();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        // SIGTERM/Ctrl-C stop the host gracefully (the empty builder has no lifetime); under systemd, AddSystemd
        // replaces it with one that also speaks sd_notify, and switches the console to journald-friendly lines.
        builder.Services.AddSingleton<IHostLifetime, Microsoft.Extensions.Hosting.Internal.ConsoleLifetime>();
        builder.Services.AddSystemd();
        if (Microsoft.Extensions.Hosting.Systemd.SystemdHelpers.IsSystemdService())
            builder.Logging.AddConsole(); // AddSystemd chose the journald format: <6>-style priorities, no timestamps
        else
            builder.Logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss ";
            });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(45));
        var startup = load(builder.Services);
        builder.Services.AddSingleton(startup);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EngineHandle>();
        builder.Services.AddSingleton<HealthMonitor>();
        builder.Services.AddSingleton(startup.Settings.Status);
        builder.Services.AddHostedService<StatusServer>();
        builder.Services.AddHostedService<SystemdWatchdog>();
        builder.Services.AddSingleton(startup.Settings.Alerts);
        builder.Services.AddHostedService<AlertMonitor>();
        builder.Services.AddHostedService<EngineService>();
        using var host = builder.Build();
        // Created before the host starts, so a provider that refuses its settings is a config error (exit 2).
        var storages = startup.CreateStorages(host.Services);
        var service = host.Services.GetServices<IHostedService>().OfType<EngineService>().Single();
        service.Storages = storages;

        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("camshare");
        foreach (var failure in startup.Catalog.Failures)
            logger.LogWarning("plugin not loaded (no configured storage needs it): {Failure}", failure);
        foreach (var warning in startup.Settings.Warnings)
            logger.LogWarning("config: {Warning}", warning.ToString());
        if (demo)
        {
            var folder = ((Core.Storage.Local.LocalStorageOptions)startup.Settings.Storages[0].Options).Path;
            logger.LogInformation("demo: recording a test pattern with a 440 Hz tone in 10-second segments into {Folder}", folder);
            logger.LogInformation("demo: each segment appears there as demo/<yyyyMMdd>/<HH>/<time>.mp4 once it is uploaded and verified; press Ctrl-C to stop");
        }
        using var stopTimer = stopAfter is { } after ? new Timer(_ => host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication(), null, after, Timeout.InfiniteTimeSpan) : null;
        await host.RunAsync();
        if (demo)
            Console.WriteLine($"demo: done; the recordings are in {((Core.Storage.Local.LocalStorageOptions)startup.Settings.Storages[0].Options).Path}");
        return service.Failure is null ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private sealed class EngineService(Startup startup, ILoggerFactory loggerFactory,
        IHostApplicationLifetime lifetime, EngineHandle handle) : BackgroundService
    {
        public Exception? Failure { get; private set; }
        public Dictionary<string, IStorageProvider> Storages { get; set; } = [];

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var storages = Storages;
            try
            {
                await using var engine = new CamShareEngine(startup.Settings, storages, loggerFactory);
                handle.Engine = engine;
                await engine.RunAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Failure = ex;
                loggerFactory.CreateLogger("camshare").LogCritical("camshare stopped on an error: {Message}", ex.Message);
                lifetime.StopApplication();
            }
            finally
            {
                await Startup.DisposeStoragesAsync(storages.Values);
            }
        }
    }
}
