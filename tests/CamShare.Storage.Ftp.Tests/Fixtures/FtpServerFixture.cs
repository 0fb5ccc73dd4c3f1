using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using CamShare.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamShare.Storage.Ftp.Tests.Fixtures;

/// <summary>
/// A real FTP server started as a foreground process on a free 127.0.0.1 port, with its configuration, a
/// self-signed certificate (pinned by fingerprint in the options) and its data in a fresh /tmp folder; stopped by
/// its PID. The providers connect to "localhost": .NET resumes TLS sessions only for host names.
/// </summary>
public abstract class FtpServerFixture : StorageProviderFixture
{
    public const string Host = "localhost";

    private ServerProcess? _server;

    protected FtpServerFixture(string name)
    {
        Base = Directory.CreateTempSubdirectory($"camshare-{name}-").FullName;
        File.SetUnixFileMode(Base, (UnixFileMode)0b111_101_101);
        Data = Path.Combine(Base, "data");
        Directory.CreateDirectory(Data);
    }

    /// <summary>The fixture's folder (config, logs, certificate).</summary>
    public string Base { get; }

    /// <summary>The login folder of the test user.</summary>
    public string Data { get; }

    public int Port { get; } = FreePort.Next();

    public abstract string User { get; }
    public abstract string Password { get; }

    /// <summary>The root folder the providers use (exercises MKD of the root too).</summary>
    public virtual string RootFolder => "camshare root";

    /// <summary>Where the objects of the default provider end up on disk.</summary>
    public string ObjectsOnDisk => Path.Combine(Data, RootFolder);

    public string CertificateFile => Path.Combine(Base, "cert.pem");
    public string KeyFile => Path.Combine(Base, "key.pem");
    public string CertificateFingerprint { get; private set; } = "";

    public string ServerOutput => _server?.Output ?? "";

    /// <summary>Where a test can watch what the providers log (messages, warnings).</summary>
    public List<string> LogLines { get; } = [];

    public bool IsServerRunning => _server is { HasExited: false };

    protected abstract (string FileName, string[] Arguments) Command { get; }

    /// <summary>Writes the configuration (once).</summary>
    protected abstract Task PrepareAsync();

    /// <summary>The server's log files, for failure messages.</summary>
    protected abstract IEnumerable<string> LogFiles { get; }

    public override async ValueTask InitializeAsync()
    {
        await RunAsync("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext", "basicConstraints=critical,CA:FALSE",
            "-keyout", KeyFile, "-out", CertificateFile);
        using (var cert = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(CertificateFile)))
            CertificateFingerprint = string.Join(':', Convert.ToHexString(SHA256.HashData(cert.RawData)).Chunk(2).Select(c => new string(c)));
        await PrepareAsync();
        await StartServerAsync();
    }

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

    /// <summary>SIGTERM to the server this fixture started (its session processes end with their connections).</summary>
    public async Task StopServerAsync()
    {
        if (_server is null) return;
        await _server.DisposeAsync();
        _server = null;
    }

    public override async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        if (Environment.GetEnvironmentVariable("CAMSHARE_KEEP_TEST_SERVERS") == "1") return; // to read the server's logs
        try { Directory.Delete(Base, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public virtual FtpStorageOptions Options() => new()
    {
        Host = Host,
        Port = Port,
        Username = User,
        Password = Password,
        TlsMode = FtpTlsMode.Explicit,
        CertificateFingerprint = CertificateFingerprint,
        RootFolder = RootFolder,
        TimeoutSeconds = 30,
    };

    public FtpStorageProvider CreateProvider(FtpStorageOptions options) =>
        new(options, new StorageIdentity("test"), new ListLogger(LogLines));

    public override IStorageProvider CreateProvider() => CreateProvider(Options());

    public override IReadOnlyList<string> Secrets => [Password, WrongPassword];

    public const string WrongPassword = "wrong pässword";

    public override IStorageProvider? CreateProviderWithBadCredentials()
    {
        var options = Options();
        options.Password = WrongPassword;
        return CreateProvider(options);
    }

    public override IStorageProvider? CreateProviderForUnreachableServer()
    {
        var options = Options();
        options.Port = FreePort.Next();
        options.TimeoutSeconds = 5;
        return CreateProvider(options);
    }

    public string ReadLogs() => string.Join("\n", LogFiles.Where(File.Exists).Select(f => $"== {f}\n{File.ReadAllText(f)}"));

    protected static void RequireBinary(string path, string how)
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"{path} is missing: {how}.");
    }

    /// <summary>Runs a helper program (openssl, chown, chpasswd) and fails with its output when it fails.</summary>
    protected internal static async Task<string> RunAsync(string fileName, params string[] arguments) =>
        await RunWithInputAsync(null, fileName, arguments);

    protected internal static async Task<string> RunWithInputAsync(string? input, string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n" +
                                                $"{await stdout}{await stderr}");
        return await stdout;
    }

    protected static void WriteFile(string path, string text, int mode = 0b110_100_100)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    /// <summary>Keeps what the provider logs (a test checks the tlsMode none warning, for one).</summary>
    private sealed class ListLogger(List<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines) lines.Add($"{logLevel}: {formatter(state, exception)}");
        }
    }

    /// <summary>A logger that drops everything.</summary>
    public static ILogger Quiet => NullLogger.Instance;
}
