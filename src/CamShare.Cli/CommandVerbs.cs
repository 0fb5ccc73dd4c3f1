using System.CommandLine;
using CamShare.Core.Configuration;
using CamShare.Core.Media;
using CamShare.Core.Storage.Local;

namespace CamShare.Cli;

/// <summary>`run` (the service) and `demo` (the embedded default).</summary>
internal static class CommandVerbs
{
    public static Command Run(Option<string> config)
    {
        var command = new Command("run", "Record every configured camera and upload its segments (the service). Stop with SIGTERM or Ctrl-C.") { config };
        command.SetAction((result, _) =>
        {
            var path = result.GetValue(config)!;
            return ServiceHost.RunAsync(services => Startup.Load(path, services), demo: false);
        });
        return command;
    }

    public static Command Demo()
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = "Folder that receives the demo recordings (the local storage).",
            DefaultValueFactory = _ => "demo-output",
        };
        var duration = new Option<int>("--duration")
        {
            Description = "Stop after this many seconds (0 = run until Ctrl-C).",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("demo",
            "Record a built-in test camera (ffmpeg test pattern with a tone) in 10-second segments into a local folder, printing every step. No camera or account needed.")
        {
            output, duration,
        };
        command.SetAction((result, _) =>
        {
            var folder = Path.GetFullPath(result.GetValue(output)!);
            var seconds = result.GetValue(duration);
            return ServiceHost.RunAsync(services => DemoStartup(folder, services), demo: true,
                stopAfter: seconds > 0 ? TimeSpan.FromSeconds(seconds) : null);
        });
        return command;
    }

    private static Startup DemoStartup(string folder, Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
        var catalog = Core.Plugins.PluginLoader.LoadAll(services, []);
        var settings = new CamShareSettings
        {
            Cameras = [new CameraSettings { Name = "demo", Url = "demo:", SegmentSeconds = 10, Destinations = ["demo-output"] }],
            Storages = [new StorageSettings { Name = "demo-output", Provider = LocalStoragePlugin.ProviderName, Options = new LocalStorageOptions { Path = folder } }],
            Spool = new SpoolSettings { Path = Path.Combine(folder, ".spool") },
        };
        return new Startup { Catalog = catalog, Settings = settings };
    }

    internal static void RequireFfmpeg()
    {
        if (MediaTools.FindFfmpeg() is null || MediaTools.FindFfprobe() is null)
            throw new MissingToolException($"ffmpeg and ffprobe are needed and were not found on PATH; {MediaTools.InstallHint}");
    }
}
