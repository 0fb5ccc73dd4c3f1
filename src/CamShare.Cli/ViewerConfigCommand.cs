using System.CommandLine;

namespace CamShare.Cli;

/// <summary>
/// `camshare viewer-config --destination NAME`: the storage as rclone remotes with the crypt layer, and the one
/// line that serves or mounts the decrypted recordings, for people who prefer rclone to the browser viewer.
/// </summary>
internal static class ViewerConfigCommand
{
    public static Command Create(Option<string> config)
    {
        var destination = new Option<string>("--destination", "-d") { Description = "The storage with encryption.", Required = true };
        var command = new Command("viewer-config", "Print an rclone config (the storage plus a crypt remote with its password obscured the way rclone expects) and the `rclone serve http` / `rclone mount` line that plays the recordings decrypted. The output is a secret: rclone can reveal the password.")
        {
            destination, config,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(config)!, result.GetValue(destination)!, Console.Out, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string configPath, string destinationName, TextWriter output, CancellationToken cancellationToken)
    {
        var target = ConfiguredDestination.Load(configPath, destinationName);
        if (target.Storage.Encryption is not { } encryption)
            throw new UsageException($"{target.Key}.encryption is missing: storage '{target.Storage.Name}' stores plain files, which rclone reads without a crypt remote");
        var remotes = new RcloneRemoteConfig(target.Storage, encryption);
        var text = remotes.Render();
        output.WriteLine($"# rclone remotes for camshare storage '{target.Storage.Name}'. Save as a private file (chmod 600): the");
        output.WriteLine("# password below is only obscured; rclone (and anyone) can reveal it.");
        output.WriteLine();
        output.Write(text);
        output.WriteLine("# Watch in a browser on this machine (decrypted, read-only), then open http://127.0.0.1:8080/:");
        output.WriteLine($"#   rclone --config FILE serve http {remotes.CryptRemote}: --addr 127.0.0.1:8080 --read-only");
        output.WriteLine("# Or mount the decrypted recordings as a folder:");
        output.WriteLine($"#   rclone --config FILE mount {remotes.CryptRemote}: ~/camshare-{target.Storage.Name} --read-only");
        return ExitCodes.Ok;
    }
}
