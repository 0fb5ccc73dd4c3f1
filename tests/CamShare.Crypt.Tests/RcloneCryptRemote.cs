using System.Diagnostics;

namespace CamShare.Crypt.Tests;

/// <summary>
/// Debian's real rclone with a crypt remote ("cstest:") over a local folder, configured only through
/// RCLONE_CONFIG_* variables of the child (an empty private config file). The password is obscured by rclone
/// itself, so nothing here depends on the product's obscure code.
/// </summary>
internal sealed class RcloneCryptRemote
{
    private readonly Dictionary<string, string> _environment;

    private RcloneCryptRemote(string encryptedRoot, string configPath, Dictionary<string, string> environment)
    {
        EncryptedRoot = encryptedRoot;
        ConfigPath = configPath;
        _environment = environment;
    }

    /// <summary>The folder that holds the ciphertext (what a provider would store).</summary>
    public string EncryptedRoot { get; }

    public string ConfigPath { get; }

    public static async Task<RcloneCryptRemote> CreateAsync(string folder, string password, string? password2,
        string filenameEncryption, bool directoryNameEncryption, string? encryptedRoot = null)
    {
        var encrypted = encryptedRoot ?? Path.Combine(folder, "encrypted");
        Directory.CreateDirectory(encrypted);
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "rclone.conf");
        await File.WriteAllTextAsync(config, "");
        var environment = new Dictionary<string, string>
        {
            ["RCLONE_CONFIG_CSTEST_TYPE"] = "crypt",
            ["RCLONE_CONFIG_CSTEST_REMOTE"] = encrypted,
            ["RCLONE_CONFIG_CSTEST_FILENAME_ENCRYPTION"] = filenameEncryption,
            ["RCLONE_CONFIG_CSTEST_DIRECTORY_NAME_ENCRYPTION"] = directoryNameEncryption ? "true" : "false",
            ["RCLONE_CONFIG_CSTEST_PASSWORD"] = await ObscureAsync(password),
        };
        if (!string.IsNullOrEmpty(password2)) environment["RCLONE_CONFIG_CSTEST_PASSWORD2"] = await ObscureAsync(password2);
        return new RcloneCryptRemote(encrypted, config, environment);
    }

    public static async Task<string> ObscureAsync(string password) => (await RunRcloneAsync(["obscure", password], null)).Trim();

    public static async Task<string> RevealAsync(string obscured) => (await RunRcloneAsync(["reveal", obscured], null)).Trim();

    /// <summary>`rclone lsf -R --files-only` through the crypt remote: plain paths of every file.</summary>
    public async Task<List<string>> ListFilesAsync() =>
        (await RunAsync("lsf", "-R", "--files-only", "cstest:")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();

    /// <summary>Decrypts everything through rclone into <paramref name="folder"/>.</summary>
    public Task CopyOutAsync(string folder) => RunAsync("copy", "cstest:", folder);

    /// <summary>Encrypts a local folder's files into the remote with rclone.</summary>
    public Task CopyInAsync(string folder) => RunAsync("copy", folder, "cstest:");

    /// <summary>`rclone cat` of one plain path.</summary>
    public Task<byte[]> CatAsync(string path) => RunBytesAsync("cat", "cstest:" + path);

    /// <summary>`rclone cryptcheck`-free check of the names: `rclone cryptdecode` of stored names.</summary>
    public async Task<string> CryptDecodeAsync(string storedName) => (await RunAsync("cryptdecode", "cstest:", storedName)).Trim();

    private Task<string> RunAsync(params string[] arguments) => RunRcloneAsync([.. arguments, "--config", ConfigPath], _environment);

    private async Task<byte[]> RunBytesAsync(params string[] arguments)
    {
        var info = Start([.. arguments, "--config", ConfigPath], _environment);
        using var process = Process.Start(info)!;
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var stderr = process.StandardError.ReadToEndAsync();
        await Task.WhenAll(copy, process.WaitForExitAsync());
        if (process.ExitCode != 0) throw new InvalidOperationException($"rclone {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}");
        return output.ToArray();
    }

    private static async Task<string> RunRcloneAsync(string[] arguments, Dictionary<string, string>? environment)
    {
        using var process = Process.Start(Start(arguments, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"rclone {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }

    private static ProcessStartInfo Start(string[] arguments, Dictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("rclone") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? []) info.Environment[k] = v;
        return info;
    }
}
