using System.CommandLine;
using CamShare.Core.Configuration;
using CamShare.Core.Publishing;
using CamShare.Viewer;

namespace CamShare.Cli;

/// <summary>
/// `camshare share CAMERA --destination NAME`: prints the private viewer link of a camera on a storage with a
/// viewer, and keeps a copy in a file only its owner can read (the link holds the viewing key).
/// </summary>
internal static class ShareCommand
{
    public static Command Create(Option<string> config)
    {
        var camera = new Argument<string>("CAMERA") { Description = "The camera's name in the configuration." };
        var destination = new Option<string>("--destination", "-d") { Description = "The storage with the viewer (its \"viewer\" and \"encryption\" sections).", Required = true };
        var baseUrl = new Option<string?>("--base-url") { Description = "Public http(s) URL of the storage's root folder (default: the storage's viewer.baseUrl)." };
        var output = new Option<string?>("--output", "-o") { Description = "File for the link (mode 0600); default SPOOL/share/CAMERA.DESTINATION.link." };
        var revoke = new Option<bool>("--revoke") { Description = "Explains how to stop a link from seeing new footage (not automatic; see docs/viewer.md)." };
        var command = new Command("share", "Print the private viewer link of a camera (the viewing key is in the link's #fragment, never sent to a server) and save it to a 0600 file.")
        {
            camera, destination, baseUrl, output, revoke, config,
        };
        command.SetAction(result => Run(result.GetValue(config)!, result.GetValue(camera)!, result.GetValue(destination)!,
            result.GetValue(baseUrl), result.GetValue(output), result.GetValue(revoke), Console.Out, Console.Error));
        return command;
    }

    public static int Run(string configPath, string cameraName, string destinationName, string? baseUrl, string? output, bool revoke,
        TextWriter stdout, TextWriter stderr)
    {
        var target = ConfiguredDestination.Load(configPath, destinationName);
        var storage = target.Storage;
        if (revoke) throw new UsageException(RevokeIsManual(target.Key));
        var camera = target.Settings.Cameras.FirstOrDefault(c => string.Equals(c.Name, cameraName, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"no camera '{cameraName}' in {configPath}; configured: {string.Join(", ", target.Settings.Cameras.Select(c => c.Name))}");
        if (!camera.Destinations.Contains(storage.Name, StringComparer.OrdinalIgnoreCase))
            throw new UsageException($"camera '{camera.Name}' does not record to '{storage.Name}'; its destinations: {string.Join(", ", camera.Destinations)}");
        if (storage.Encryption is null)
            throw new UsageException($"{target.Key}.encryption is missing: the link's key is the storage's crypt key, and without encryption there is nothing private to share");
        if (storage.Viewer is not { Enabled: true })
            throw new UsageException($"{target.Key}.viewer is missing or disabled, so no view.html is published there; add \"viewer\": {{ \"baseUrl\": \"https://...\" }}");
        var root = baseUrl ?? storage.Viewer.BaseUrl;
        if (root is not { Length: > 0 })
            throw new UsageException($"no public URL is known for storage '{storage.Name}': pass --base-url https://HOST/PATH (the URL of the storage's root folder) or set {target.Key}.viewer.baseUrl");
        if (!ViewerSettings.IsHttpUrl(root))
            throw new UsageException($"--base-url '{root}' is not an absolute http(s) URL without query or fragment");

        var segments = CameraFolder.SegmentsIn(target.Settings.KeyTemplate)!.Value; // the config loader checked it
        var folder = StoredNames.FolderOf(storage, CameraFolder.Plain(target.Settings.KeyTemplate, camera.Name, segments));
        var folderUrl = new Uri(root.TrimEnd('/') + "/" + string.Join('/', folder.Split('/').Select(Uri.EscapeDataString)) + "/");
        var link = ShareLink.Build(folderUrl, ViewerPublishers.ViewerKey(storage.Encryption)).AbsoluteUri;

        var file = Path.GetFullPath(output ?? Path.Combine(target.Settings.Spool.Path, "share", $"{camera.Name}.{storage.Name}.link"));
        PrivateFile.Write(file, link + "\n");
        stdout.WriteLine(link);
        stderr.WriteLine($"camshare: saved the link to {file} (mode 0600); anyone with it can watch every recording of this storage's encryption password");
        return ExitCodes.Ok;
    }

    private static string RevokeIsManual(string key) =>
        "--revoke is not automatic. The viewing key is derived from the storage's crypt password, so a new key means a new " +
        $"{key}.encryption.password (or password2) for FUTURE segments. A person who had the old link keeps whatever they " +
        "could already download and decrypt. CamShare does not yet keep the old key to list old footage beside the new: " +
        "after changing the password the index starts afresh and old recordings stay readable only with the old password " +
        "(e.g. rclone with the old crypt remote). See docs/viewer.md, \"Revoking a link\".";
}
