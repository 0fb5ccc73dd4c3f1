using System.CommandLine;
using CamShare.Cli;
using CamShare.Core.Configuration;

var config = new Option<string>("--config", "-c")
{
    Description = "Path of the configuration file.",
    DefaultValueFactory = _ => "camshare.json",
};

var root = new RootCommand(
    """
    camshare records IP cameras (RTSP) with ffmpeg into clock-aligned MP4 segments and uploads every finished
    segment to the storages you configure (local folder, S3, WebDAV, rclone remotes, plugins), verified, exactly once.

    Start with `camshare demo` (no camera or account needed), then write camshare.json (see samples/) and run
    `camshare check --config camshare.json` before `camshare run --config camshare.json`.
    `camshare prune --dry-run` shows what a storage's retention would delete (only CamShare's own recordings).

    Exit codes: 0 success; 1 a check failed or the service stopped on an error; 2 the configuration is invalid
    (one line per problem, naming the key); 3 ffmpeg or ffprobe is missing.
    """);
root.Subcommands.Add(CommandVerbs.Run(config));
root.Subcommands.Add(CommandVerbs.Demo());
root.Subcommands.Add(CheckCommand.Create(config));
root.Subcommands.Add(PruneCommand.Create(config));
root.Subcommands.Add(ProvidersCommand.Create());

try
{
    // Signals belong to the Generic Host (graceful stop of ffmpeg), not to the parser.
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
}
catch (ConfigException ex)
{
    // No stack trace for a person's mistake: one line per problem, naming the key and the fix.
    foreach (var problem in ex.Problems) Console.Error.WriteLine($"config error: {problem}");
    return ExitCodes.ConfigError;
}
catch (MissingToolException ex)
{
    Console.Error.WriteLine($"camshare: {ex.Message}");
    return ExitCodes.MissingDependency;
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    // Messages are written secret-free by design; a stack trace helps nobody who runs the service.
    Console.Error.WriteLine($"camshare: error: {ex.Message}");
    return ExitCodes.Failed;
}
