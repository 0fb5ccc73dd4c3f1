using System.Text.Json;
using CamShare.Testing;

namespace CamShare.ViewerHost.Tests.Fixtures;

/// <summary>
/// A temporary CamShare installation: camshare.json with one camera recording to a local storage that has
/// encryption and a viewer, its spool and storage folders, and the real camshare verbs run against it.
/// </summary>
internal sealed class HostSite : IDisposable
{
    public const string Camera = "porch";
    public const string Storage = "nas";
    public const string Password = "viewer pässword";
    public const string Password2 = "salt-of-the-earth";

    public HostSite(string cameraUrl = "rtsp://127.0.0.1:1/stream", int segmentSeconds = 4, string? baseUrl = null, bool viewer = true)
    {
        Root = Directory.CreateTempSubdirectory("camshare-viewerhost-").FullName;
        Directory.CreateDirectory(StoragePath);
        var storage = new Dictionary<string, object?>
        {
            ["name"] = Storage, ["provider"] = "local", ["path"] = StoragePath,
            ["encryption"] = new Dictionary<string, object?> { ["password"] = Password, ["password2"] = Password2, ["filenameEncryption"] = "off" },
        };
        if (viewer) storage["viewer"] = baseUrl is null ? new Dictionary<string, object?> { ["enabled"] = true } : new Dictionary<string, object?> { ["baseUrl"] = baseUrl };
        var config = new Dictionary<string, object?>
        {
            ["cameras"] = new[] { new Dictionary<string, object?> { ["name"] = Camera, ["url"] = cameraUrl, ["segmentSeconds"] = segmentSeconds, ["destinations"] = new[] { Storage } } },
            ["storages"] = new[] { storage },
            ["spool"] = new Dictionary<string, object?> { ["path"] = SpoolPath },
        };
        File.WriteAllText(ConfigPath, JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }));
    }

    public string Root { get; }
    public string ConfigPath => Path.Combine(Root, "camshare.json");
    public string StoragePath => Path.Combine(Root, "storage");
    public string SpoolPath => Path.Combine(Root, "spool");
    public string CameraFolder => Path.Combine(StoragePath, Camera);

    /// <summary>Changes camshare.json (as a JSON tree).</summary>
    public void EditConfig(Action<System.Text.Json.Nodes.JsonNode> edit)
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(ConfigPath))!;
        edit(config);
        File.WriteAllText(ConfigPath, config.ToJsonString());
    }

    public Task<CamShareCli.Result> CliAsync(params string[] arguments) =>
        CamShareCli.RunAsync([.. arguments, "--config", ConfigPath], CleanEnvironment, Root);

    /// <summary>`camshare serve` on a free loopback port, until disposed.</summary>
    public async Task<(ServerProcess Process, Uri Url)> ServeAsync()
    {
        var port = FreePort.Next();
        var process = ServerProcess.Start("dotnet",
            [CamShareCli.Dll, "serve", "--config", ConfigPath, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            CleanEnvironment, Root, readyLine: l => l.StartsWith("serving ", StringComparison.Ordinal));
        await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        return (process, new Uri($"http://127.0.0.1:{port}/"));
    }

    private static Dictionary<string, string?> CleanEnvironment => new()
    {
        ["CAMSHARE_PLUGINS"] = null, ["DOTNET_NOLOGO"] = "1",
    };

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { } // a process still closing a file: the OS cleans /tmp
    }
}
