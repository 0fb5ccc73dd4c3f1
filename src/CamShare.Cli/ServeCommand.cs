using System.CommandLine;
using System.Runtime.InteropServices;
using CamShare.Cli.Serving;
using CamShare.Core.Storage.Local;

namespace CamShare.Cli;

/// <summary>`camshare serve`: the local storage's folder over plain HTTP for the LAN, read-only.</summary>
internal static class ServeCommand
{
    public static Command Create(Option<string> config)
    {
        var port = new Option<int>("--port", "-p") { Description = "TCP port.", DefaultValueFactory = _ => 8080 };
        var address = new Option<string>("--address") { Description = "Address to listen on: 0.0.0.0 (every interface, the LAN) or one address such as 127.0.0.1.", DefaultValueFactory = _ => "0.0.0.0" };
        var destination = new Option<string?>("--destination", "-d") { Description = "The local storage to serve (default: the only local one)." };
        var command = new Command("serve", "Serve a local storage's folder (view.html, the encrypted index and segments) read-only over HTTP: GET/HEAD only, no directory listing. Stop with Ctrl-C.")
        {
            port, address, destination, config,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(config)!, result.GetValue(destination),
            result.GetValue(address)!, result.GetValue(port), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string configPath, string? destination, string address, int port, CancellationToken cancellationToken)
    {
        if (port is < 1 or > 65535) throw new UsageException($"--port {port}: use 1 to 65535");
        if (address != "0.0.0.0" && !System.Net.IPAddress.TryParse(address, out _))
            throw new UsageException($"--address {address}: give an IP address such as 0.0.0.0 or 127.0.0.1");
        var target = ConfiguredDestination.Load(configPath, destination, s => s.Provider == LocalStoragePlugin.ProviderName);
        if (target.Storage.Options is not LocalStorageOptions local)
            throw new UsageException($"storage '{target.Storage.Name}' is a {target.Storage.Provider} storage; serve works on a local one (for others, see `camshare viewer-config`)");
        var folder = Path.GetFullPath(local.Path);
        if (!Directory.Exists(folder)) throw new UsageException($"{target.Key}.path {folder} does not exist yet: run camshare first");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var server = new StaticFolderServer(folder, address, port, Console.Out);
        try { server.Start(); }
        catch (System.Net.HttpListenerException e)
        {
            Console.Error.WriteLine($"camshare: cannot listen on {address}:{port}: {e.Message}");
            return ExitCodes.Failed;
        }
        Console.Out.WriteLine($"serving {folder} read-only on http://{address}:{port}/ (Ctrl-C stops)");
        await server.RunAsync(stop.Token);
        return ExitCodes.Ok;
    }
}
