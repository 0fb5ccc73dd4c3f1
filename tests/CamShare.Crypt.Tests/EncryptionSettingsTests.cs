using CamShare.Core.Configuration;
using CamShare.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace CamShare.Crypt.Tests;

/// <summary>A storage's "encryption" section, bound by the host's real loader: names, defaults, problems, secrets.</summary>
public sealed class EncryptionSettingsTests : IDisposable
{
    private const string Secret = "geheim-und-lang-genug";
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-crypt-config-").FullName;
    private readonly Dictionary<string, string> _environment = new() { ["VAULT_PASSWORD"] = Secret };
    private static readonly ProviderCatalog Catalog = PluginLoader.LoadAll(new ServiceCollection(), []);

    private CamShareSettings Load(string encryption)
    {
        var path = Path.Combine(_dir, "camshare.json");
        File.WriteAllText(path, $$"""
            {
              "cameras": [ { "name": "porch", "url": "rtsp://192.168.1.20:554/stream1", "destinations": ["vault"] } ],
              "storages": [ { "name": "vault", "provider": "local", "path": "/srv/camshare", "encryption": {{encryption}} } ],
              "spool": { "path": "/var/lib/camshare/spool" }
            }
            """);
        return new ConfigLoader(name => _environment.GetValueOrDefault(name)).Load(ConfigLoader.Read(path), Catalog);
    }

    private List<string> Problems(string encryption) =>
        Assert.Throws<ConfigException>(() => Load(encryption)).Problems.Select(p => p.ToString()).ToList();

    [Fact]
    public void Defaults_are_rclones_and_the_password_comes_from_the_environment()
    {
        var encryption = Load("""{ "passwordEnv": "VAULT_PASSWORD" }""").Storages[0].Encryption!;
        Assert.Equal(Secret, encryption.Password);
        Assert.Null(encryption.Password2);
        Assert.Equal(FileNameEncryption.Standard, encryption.FilenameEncryption);
        Assert.True(encryption.DirectoryNameEncryption);
        Assert.False(encryption.PasswordsObscured);
    }

    [Fact]
    public void The_loader_names_the_variables_secrets_came_from_so_the_host_can_drop_them()
    {
        var path = Path.Combine(_dir, "camshare.json");
        File.WriteAllText(path, """
            { "cameras": [ { "name": "porch", "url": "demo:", "destinations": ["vault"] } ],
              "storages": [ { "name": "vault", "provider": "local", "path": "/srv/camshare", "encryption": { "passwordEnv": "VAULT_PASSWORD" } } ] }
            """);
        var loader = new ConfigLoader(name => _environment.GetValueOrDefault(name));
        loader.Load(ConfigLoader.Read(path), Catalog);
        Assert.Equal(["VAULT_PASSWORD"], loader.SecretVariables);
    }

    [Fact]
    public void Missing_password_names_the_key()
    {
        var problem = Assert.Single(Problems("""{ "filenameEncryption": "off" }"""));
        Assert.StartsWith("storages[0].encryption.password: missing (or passwordEnv / passwordFile)", problem);
    }

    [Fact]
    public void Unknown_filename_encryption_names_the_key_and_the_allowed_values()
    {
        var problem = Assert.Single(Problems("""{ "passwordEnv": "VAULT_PASSWORD", "filenameEncryption": "obfuscate" }"""));
        Assert.Contains("storages[0].encryption.filenameEncryption", problem);
        Assert.Contains("'obfuscate' is not valid; expected one of off, standard", problem);
    }

    [Fact]
    public void Obscured_passwords_are_revealed_and_a_plain_one_marked_obscured_is_refused_without_showing_it()
    {
        var obscured = RcloneObscure.Obscure(Secret);
        var encryption = Load($$"""{ "password": "{{obscured}}", "password2": "{{RcloneObscure.Obscure("salt")}}", "passwordsObscured": true }""").Storages[0].Encryption!;
        Assert.Equal((Secret, "salt"), encryption.PlainPasswords());
        Assert.Equal(RcloneCryptKeys.Derive(Secret, "salt").NameKey, encryption.CreateCipher().Keys.NameKey);

        var problems = Problems($$"""{ "password": "{{Secret}}!", "passwordsObscured": true }""");
        var problem = Assert.Single(problems);
        Assert.StartsWith("storages[0].encryption.password: not an rclone obscured password", problem);
        Assert.DoesNotContain(Secret, problem);
    }

    [Fact]
    public void Unknown_keys_in_the_section_are_named()
    {
        var problem = Assert.Single(Problems("""{ "passwordEnv": "VAULT_PASSWORD", "filename_encryption": "off" }"""));
        Assert.Contains("storages[0].encryption.filename_encryption", problem);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
