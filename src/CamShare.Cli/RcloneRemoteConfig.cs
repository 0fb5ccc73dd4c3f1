using System.Globalization;
using System.Text;
using CamShare.Core.Configuration;
using CamShare.Core.Storage.Local;

namespace CamShare.Cli;

/// <summary>
/// A storage as rclone remotes: the storage itself (local, s3, webdav, sftp, ftp; the rclone provider's remote as
/// it is) and a crypt remote over it with the storage's encryption. Provider options are read by property name:
/// plugin option types live in their own load contexts.
/// </summary>
internal sealed class RcloneRemoteConfig(StorageSettings storage, EncryptionSettings encryption)
{
    public string CryptRemote => storage.Name + "-crypt";

    /// <summary>The config text; null base section when the provider is one rclone cannot be pointed at.</summary>
    /// <exception cref="UsageException">The provider has no rclone equivalent here.</exception>
    public string Render()
    {
        var text = new StringBuilder();
        string remote;
        var options = storage.Options;
        switch (storage.Provider)
        {
            case LocalStoragePlugin.ProviderName:
                remote = Path.GetFullPath(((LocalStorageOptions)options).Path);
                break;
            case "rclone":
                remote = Get(options, "Remote") ?? "";
                break;
            case "s3":
                Section(text, storage.Name, ("type", "s3"), ("provider", Get(options, "Endpoint") is { Length: > 0 } ? "Other" : "AWS"),
                    ("access_key_id", Get(options, "AccessKeyId")), ("secret_access_key", Get(options, "SecretAccessKey")),
                    ("session_token", Get(options, "SessionToken")), ("region", Get(options, "Region")), ("endpoint", Get(options, "Endpoint")),
                    ("force_path_style", Get(options, "PathStyle")?.ToLowerInvariant()), ("env_auth", Get(options, "AccessKeyId") is { Length: > 0 } ? null : "true"));
                remote = $"{storage.Name}:{Join(Get(options, "Bucket"), Get(options, "Prefix"))}";
                break;
            case "webdav":
                Section(text, storage.Name, ("type", "webdav"), ("url", Get(options, "BaseUrl")), ("vendor", "other"),
                    ("user", Get(options, "Username")), ("pass", Obscured(Get(options, "Password"))));
                remote = $"{storage.Name}:{Get(options, "RootFolder")?.Trim('/')}";
                break;
            case "sftp":
                Section(text, storage.Name, ("type", "sftp"), ("host", Get(options, "Host")), ("port", Get(options, "Port")),
                    ("user", Get(options, "Username")), ("pass", Obscured(Get(options, "Password"))));
                if (Get(options, "PrivateKey") is { Length: > 0 })
                    text.AppendLine("# the storage uses a private key: add key_file = PATH (or key_pem) above");
                remote = $"{storage.Name}:{Get(options, "RootFolder")}";
                break;
            case "ftp":
                var tls = Get(options, "TlsMode");
                Section(text, storage.Name, ("type", "ftp"), ("host", Get(options, "Host")), ("port", Get(options, "Port")),
                    ("user", Get(options, "Username")), ("pass", Obscured(Get(options, "Password"))),
                    ("explicit_tls", tls == "Explicit" ? "true" : null), ("tls", tls == "Implicit" ? "true" : null));
                remote = $"{storage.Name}:{Get(options, "RootFolder")}";
                break;
            default:
                throw new UsageException($"storage '{storage.Name}' uses the {storage.Provider} provider, which viewer-config cannot express as an rclone remote; configure rclone for it by hand and add the crypt remote below");
        }
        var (password, password2) = encryption.PlainPasswords();
        var names = encryption.FilenameEncryption == FileNameEncryption.Off ? "off" : "standard";
        Section(text, CryptRemote, ("type", "crypt"), ("remote", remote), ("filename_encryption", names),
            ("directory_name_encryption", encryption.FilenameEncryption != FileNameEncryption.Off && encryption.DirectoryNameEncryption ? "true" : "false"),
            ("password", RcloneObscure.Obscure(password)),
            ("password2", password2 is { Length: > 0 } p2 ? RcloneObscure.Obscure(p2) : null));
        return text.ToString();
    }

    private static string? Obscured(string? password) => password is { Length: > 0 } ? RcloneObscure.Obscure(password) : null;

    private static string? Get(object options, string property) =>
        options.GetType().GetProperty(property)?.GetValue(options) switch
        {
            null => null,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString(),
        };

    private static string Join(string? bucket, string? prefix) =>
        string.Join('/', new[] { bucket, prefix?.Trim('/') }.Where(p => p is { Length: > 0 }));

    private static void Section(StringBuilder text, string name, params (string Key, string? Value)[] entries)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"[{name}]");
        foreach (var (key, value) in entries)
            if (value is { Length: > 0 }) text.AppendLine(CultureInfo.InvariantCulture, $"{key} = {value}");
        text.AppendLine();
    }
}
