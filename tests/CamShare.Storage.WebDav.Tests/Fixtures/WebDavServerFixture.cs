using System.Diagnostics;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using CamShare.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamShare.Storage.WebDav.Tests.Fixtures;

/// <summary>
/// A real WebDAV server started as a foreground process on a free 127.0.0.1 port, with its configuration and
/// data in a fresh /tmp folder; stopped by its PID. Can be stopped and started again on the same port and data.
/// </summary>
public abstract class WebDavServerFixture : StorageProviderFixture
{
    public const string User = "davuser";
    public const string Password = "dav pässword:1";

    private ServerProcess? _server;

    protected WebDavServerFixture(string name)
    {
        Base = Directory.CreateTempSubdirectory($"camshare-{name}-").FullName;
        File.SetUnixFileMode(Base, (UnixFileMode)0b111_101_101);
        Data = Path.Combine(Base, "data");
        Directory.CreateDirectory(Data);
    }

    /// <summary>The fixture's folder (config, logs, certificates).</summary>
    public string Base { get; }

    /// <summary>The folder the server serves.</summary>
    public string Data { get; }

    /// <summary>The root folder the providers use under the base URL (exercises MKCOL of the root too).</summary>
    public virtual string RootFolder => "camshare root";

    /// <summary>The base URL the default provider uses.</summary>
    public abstract string BaseUrl { get; }

    /// <summary>Where the objects of the default provider end up on disk.</summary>
    public string ObjectsOnDisk => Path.Combine(Data, RootFolder);

    public string ServerOutput => _server?.Output ?? "";

    public override async ValueTask InitializeAsync()
    {
        await PrepareAsync();
        await StartServerAsync();
    }

    /// <summary>Writes the configuration (once).</summary>
    protected abstract Task PrepareAsync();

    /// <summary>The server's command line.</summary>
    protected abstract (string FileName, string[] Arguments) Command { get; }

    protected abstract int Port { get; }

    /// <summary>Whether the server this fixture started is running.</summary>
    public bool IsServerRunning => _server is { HasExited: false };

    public async Task StartServerAsync()
    {
        if (IsServerRunning) throw new InvalidOperationException("the server is already running");
        if (_server is not null) await StopServerAsync();
        var (fileName, arguments) = Command;
        _server = ServerProcess.Start(fileName, arguments, workingDirectory: Base);
        try
        {
            await _server.WaitForPortAsync(Port, TimeSpan.FromSeconds(30));
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{fileName} did not start:\n{_server.Output}\n{ReadLogs()}", ex);
        }
    }

    public async Task StopServerAsync()
    {
        if (_server is null) return;
        await _server.DisposeAsync();
        _server = null;
    }

    public override async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        try { Directory.Delete(Base, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public virtual WebDavStorageOptions Options() => new()
    {
        BaseUrl = BaseUrl,
        Username = User,
        Password = Password,
        RootFolder = RootFolder,
        TimeoutSeconds = 30,
    };

    public WebDavStorageProvider CreateProvider(WebDavStorageOptions options) =>
        new(options, new StorageIdentity("test"), NullLogger<WebDavStorageProvider>.Instance);

    public override IStorageProvider CreateProvider() => CreateProvider(Options());

    public override IReadOnlyList<string> Secrets => [Password, "wrong password"];

    public override IStorageProvider? CreateProviderWithBadCredentials()
    {
        var options = Options();
        options.Password = "wrong password";
        return CreateProvider(options);
    }

    public override IStorageProvider? CreateProviderForUnreachableServer()
    {
        var options = Options();
        options.BaseUrl = new UriBuilder(BaseUrl) { Port = FreePort.Next() }.Uri.ToString();
        options.TimeoutSeconds = 5;
        return CreateProvider(options);
    }

    private string ReadLogs()
    {
        var logs = Path.Combine(Base, "logs");
        return Directory.Exists(logs)
            ? string.Join("\n", Directory.GetFiles(logs).Select(f => $"== {f}\n{File.ReadAllText(f)}"))
            : "";
    }

    protected static void RequireBinary(string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"{path} is missing: run `bash .ci/install` to install the test servers.");
    }

    protected static void RequireFile(string path, string package)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"{path} is missing (package {package}): run `bash .ci/install`.");
    }

    /// <summary>Runs a helper program (openssl, chown) and fails with its output when it fails.</summary>
    protected static async Task RunAsync(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n" +
                                                $"{await stdout}{await stderr}");
    }

    /// <summary>Servers run their workers as www-data: it must own what they write.</summary>
    protected static Task GiveToWebServerAsync(params string[] paths) =>
        RunAsync("chown", ["-R", "www-data:www-data", .. paths]);

    protected static void WriteReadable(string path, string text)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
    }
}
