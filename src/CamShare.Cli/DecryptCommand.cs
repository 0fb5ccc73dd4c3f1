using System.CommandLine;
using CamShare.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Cli;

/// <summary>
/// `camshare decrypt FILE|FOLDER [--out DIR]`: turns downloaded encrypted recordings back into playable MP4s with
/// their plain names, using a destination's encryption settings (or the password from the environment).
/// </summary>
internal static class DecryptCommand
{
    public const string PasswordVariable = "CAMSHARE_CRYPT_PASSWORD";
    public const string Password2Variable = "CAMSHARE_CRYPT_PASSWORD2";

    public static Command Create()
    {
        var path = new Argument<string?>("path") { Description = "A downloaded encrypted file, or a folder of them (decrypted recursively, names too).", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--out", "-o") { Description = "Folder that receives the plain files (default: the current folder).", DefaultValueFactory = _ => "." };
        var config = new Option<string?>("--config", "-c") { Description = "The configuration file whose destination's encryption settings to use." };
        var destination = new Option<string?>("--destination", "-d") { Description = "The storage (by name) the files were downloaded from." };
        var names = new Option<string?>("--filename-encryption") { Description = $"Without --destination: off or standard (default standard); the password comes from {PasswordVariable} (and {Password2Variable})." };
        var plainDirectories = new Option<bool>("--plain-directory-names") { Description = "Without --destination: folder names are not encrypted (directoryNameEncryption false)." };
        var command = new Command("decrypt",
            $"Decrypt recordings downloaded from an encrypted storage (rclone crypt format) into playable MP4s with their plain names. Uses --config and --destination, or {PasswordVariable}. Exit 0 decrypted (files whose names are not encrypted ones are skipped, each said), 1 a file failed authentication (wrong password, changed file) or none decrypted, 2 usage error.")
        {
            path, output, config, destination, names, plainDirectories,
        };
        command.SetAction((result, cancellationToken) => RunAsync(new Request(result.GetValue(path), result.GetValue(output)!,
            result.GetValue(config), result.GetValue(destination), result.GetValue(names), result.GetValue(plainDirectories)), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    public sealed record Request(string? Path, string Output, string? Config, string? Destination, string? FilenameEncryption, bool PlainDirectoryNames);

    public static async Task<int> RunAsync(Request request, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Path))
            return Usage(errors, "give the encrypted file or folder to decrypt: camshare decrypt PATH [--out DIR] --config camshare.json --destination NAME");
        if (!File.Exists(request.Path) && !Directory.Exists(request.Path))
            return Usage(errors, $"'{request.Path}' is neither a file nor a folder");
        if (ResolveSettings(request, errors) is not { } settings) return ExitCodes.ConfigError;

        var (keys, cipher) = settings.CreateCipher();
        var results = await new RcloneCryptTree(keys, cipher).DecryptAsync(request.Path, request.Output, cancellationToken);
        foreach (var file in results)
            if (file.Problem is null) output.WriteLine($"decrypted {file.Source} → {file.Output}");
            else errors.WriteLine($"camshare: {file.Problem}");
        var decrypted = results.Count(r => r.Problem is null);
        output.WriteLine($"{decrypted} of {results.Count} file(s) decrypted into {Path.GetFullPath(request.Output)}");
        if (results.Count == 0) errors.WriteLine($"camshare: no files in '{request.Path}'");
        // A foreign file among recordings is skipped; a file that fails authentication, or nothing decrypting, fails.
        return decrypted > 0 && !results.Any(r => r.Problem is not null && !r.Skipped) ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static EncryptionSettings? ResolveSettings(Request request, TextWriter errors)
    {
        if (request.Destination is { } name)
        {
            if (request.FilenameEncryption is not null || request.PlainDirectoryNames)
                return Fail(errors, "--filename-encryption and --plain-directory-names are for use without --destination (the destination's settings say it)");
            var startup = Startup.Load(request.Config ?? "camshare.json", new ServiceCollection());
            var storage = startup.Settings.Storages.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
            if (storage is null)
                return Fail(errors, $"--destination '{name}' names no storage; configured: {string.Join(", ", startup.Settings.Storages.Select(s => s.Name))}");
            if (storage.Encryption is null)
                return Fail(errors, $"storage '{storage.Name}' has no \"encryption\" section; its files are stored as recorded and need no decryption");
            return storage.Encryption;
        }
        if (request.Config is not null) return Fail(errors, "--config needs --destination NAME (the storage whose encryption settings to use)");
        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (string.IsNullOrEmpty(password))
            return Fail(errors, $"no password: give --config camshare.json --destination NAME, or set {PasswordVariable} (and {Password2Variable} if the storage has password2)");
        var mode = FileNameEncryption.Standard;
        if (request.FilenameEncryption is { } text && !Enum.TryParse(text, ignoreCase: true, out mode) || !Enum.IsDefined(mode))
            return Fail(errors, $"--filename-encryption '{request.FilenameEncryption}' is not valid; use off or standard");
        return new EncryptionSettings
        {
            Password = password,
            Password2 = Environment.GetEnvironmentVariable(Password2Variable),
            FilenameEncryption = mode,
            DirectoryNameEncryption = !request.PlainDirectoryNames,
        };
    }

    private static EncryptionSettings? Fail(TextWriter errors, string message)
    {
        errors.WriteLine($"camshare: {message}");
        return null;
    }

    private static int Usage(TextWriter errors, string message)
    {
        errors.WriteLine($"camshare: {message}");
        return ExitCodes.ConfigError;
    }
}
