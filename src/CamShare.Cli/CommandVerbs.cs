using System.CommandLine;

namespace CamShare.Cli;

/// <summary>`run` and `demo`: they arrive with the recorder.</summary>
internal static class CommandVerbs
{
    public static Command Run(Option<string> config)
    {
        var command = new Command("run", "Record every configured camera and upload its segments (the service).") { config };
        command.SetAction(_ => { Console.Error.WriteLine("camshare run: not available in this build"); return ExitCodes.Failed; });
        return command;
    }

    public static Command Demo()
    {
        var command = new Command("demo", "Record a built-in test camera into a local folder and show every step.");
        command.SetAction(_ => { Console.Error.WriteLine("camshare demo: not available in this build"); return ExitCodes.Failed; });
        return command;
    }
}
