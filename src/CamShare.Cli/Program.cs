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
    With a storage's "encryption" and "viewer" sections, `camshare share CAMERA --destination NAME` prints a
    private browser link; `camshare serve` serves a local storage on the LAN; `camshare viewer-config` prints
    the rclone config that reads the same recordings.
    `camshare prune --dry-run` shows what a storage's retention would delete (only CamShare's own recordings).

    Recordings downloaded from an encrypted storage: `camshare decrypt FOLDER --out DIR --config camshare.json
    --destination NAME` (or read them with stock rclone through a crypt remote; see docs/encryption.md).

    Exit codes: 0 success; 1 a check failed or the service stopped on an error; 2 the configuration or the command
    line is invalid (one line per problem, naming the key or the argument); 3 ffmpeg or ffprobe is missing.
    """);
root.Subcommands.Add(CommandVerbs.Run(config));
root.Subcommands.Add(CommandVerbs.Demo());
root.Subcommands.Add(CheckCommand.Create(config));
root.Subcommands.Add(PruneCommand.Create(config));
root.Subcommands.Add(ProvidersCommand.Create());
root.Subcommands.Add(StatusCommand.Create(config));
root.Subcommands.Add(GapsCommand.Create(config));
root.Subcommands.Add(ShareCommand.Create(config));
root.Subcommands.Add(ServeCommand.Create(config));
root.Subcommands.Add(ViewerConfigCommand.Create(config));
root.Subcommands.Add(DecryptCommand.Create());

try
{
    var parsed = root.Parse(args);
    if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
    {
        // A mistyped command is a person's mistake like a config error (2), not a failed check (1).
        foreach (var error in parsed.Errors) Console.Error.WriteLine($"camshare: {error.Message}");
        Console.Error.WriteLine("Run 'camshare --help' for the commands and their options.");
        return ExitCodes.UsageError;
    }
    // Signals belong to the Generic Host (graceful stop of ffmpeg), not to the parser.
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
}
catch (ConfigException ex)
{
    // No stack trace for a person's mistake: one line per problem, naming the key and the fix.
    foreach (var problem in ex.Problems) Console.Error.WriteLine($"config error: {problem}");
    return ExitCodes.ConfigError;
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"camshare: {ex.Message}");
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
