using System.Security.Cryptography;
using CamShare.Testing;

namespace CamShare.Storage.S3.Tests;

/// <summary>
/// A real S3 server for the tests: npm @20minutes/s3rver 5 (it verifies SigV4 signatures), installed by
/// <c>bash .ci/install</c> into artifacts/test-tools/s3rver. Runs on 127.0.0.1 with its own random key pair,
/// data folder and port; can be killed and restarted on the same port and data folder.
/// </summary>
public sealed class S3rverServer : IAsyncDisposable
{
    public const string InstallHint = "run `bash .ci/install` from the repository root (it installs @20minutes/s3rver@5.0.0 " +
                                      "into artifacts/test-tools/s3rver and patches it)";

    private ServerProcess? _process;

    private S3rverServer(string bucket)
    {
        Bucket = bucket;
        AccessKey = "AK" + RandomToken(18).ToUpperInvariant();
        SecretKey = RandomToken(40);
        DataDirectory = Directory.CreateTempSubdirectory("camshare-s3rver-").FullName;
        Port = FreePort.Next();
    }

    public string Bucket { get; }
    public string AccessKey { get; }
    public string SecretKey { get; }
    public string DataDirectory { get; }
    public int Port { get; }
    public string Endpoint => $"http://127.0.0.1:{Port}";
    public int? Pid => _process?.Pid;
    public string Output => _process?.Output ?? "";

    public static string Home => Path.Combine(RepoPaths.TestTools, "s3rver");

    public static async Task<S3rverServer> StartAsync(string bucket = "camshare-test")
    {
        var server = new S3rverServer(bucket);
        await server.RunAsync();
        return server;
    }

    /// <summary>SIGKILL: the server dies without any goodbye; the data folder stays.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        await _process.KillAsync();
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>Starts the server again on the same port and data folder.</summary>
    public Task RestartAsync() => RunAsync();

    private async Task RunAsync()
    {
        if (_process is not null) throw new InvalidOperationException("s3rver is already running");
        var package = Path.Combine(Home, "node_modules", "@20minutes", "s3rver");
        if (!File.Exists(Path.Combine(package, "package.json")))
            throw new InvalidOperationException($"s3rver is not installed in {Home}: {InstallHint}.");
        var auth = Path.Combine(package, "lib", "middleware", "authentication.js");
        if (!File.ReadAllText(auth).Contains("camshare: keep trailing slash") ||
            !File.ReadAllText(Path.Combine(package, "lib", "s3rver.js")).Contains("camshare: escape once"))
            throw new InvalidOperationException($"s3rver in {Home} lacks CamShare's two fixes: {InstallHint}.");
        var launcher = Path.Combine(AppContext.BaseDirectory, "s3rver-launch.js");
        var process = ServerProcess.Start("node", ["--openssl-legacy-provider", launcher],
            new Dictionary<string, string?>
            {
                ["S3RVER_HOME"] = Home,
                ["S3RVER_PORT"] = Port.ToString(),
                ["S3RVER_DATA"] = DataDirectory,
                ["S3RVER_BUCKET"] = Bucket,
                ["S3RVER_ACCESS_KEY"] = AccessKey,
                ["S3RVER_SECRET_KEY"] = SecretKey,
                // A NODE_OPTIONS from the environment (e.g. another --openssl-* flag) must not change the server.
                ["NODE_OPTIONS"] = null,
            },
            workingDirectory: DataDirectory,
            readyLine: line => line.StartsWith("s3rver ready", StringComparison.Ordinal));
        try
        {
            await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            await process.WaitForPortAsync(Port, TimeSpan.FromSeconds(30));
        }
        catch (Exception ex)
        {
            var output = process.Output;
            await process.DisposeAsync();
            throw new InvalidOperationException($"s3rver did not start on port {Port} ({ex.Message}). Output:\n{output}\n" +
                                                $"If node or s3rver is missing, {InstallHint}.", ex);
        }
        _process = process;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        _process = null;
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string RandomToken(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
    }
}
