using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using CamShare.Core.Configuration;
using CamShare.Testing;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace CamShare.Storage.Sftp.Tests;

/// <summary>samples/sftp.json binds with the host's own binder onto the options and passes their rules.</summary>
public sealed class SampleConfigTests
{
    [Fact]
    public void The_sample_storage_binds_and_is_valid()
    {
        var work = Directory.CreateTempSubdirectory("camshare-sftp-sample-").FullName;
        try
        {
            var document = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "sftp.json")))!;
            var storage = document["storages"]![0]!;
            Assert.Equal("sftp", (string?)storage["provider"]);
            Assert.Equal("/etc/camshare/id_ed25519", (string?)storage["privateKeyFile"]);
            // The key file the sample names, here: the binder reads it as the privateKey secret.
            var keyFile = Path.Combine(work, "id_ed25519");
            File.WriteAllText(keyFile, "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
            storage["privateKeyFile"] = keyFile;
            var json = Path.Combine(work, "storage.json");
            File.WriteAllText(json, storage.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            var section = new ConfigurationBuilder().AddJsonFile(json).Build();

            var problems = new List<ConfigProblem>();
            var options = (SftpStorageOptions)new SettingsBinder(_ => null).Bind(new RootSection(section), typeof(SftpStorageOptions),
                "storages[0]", problems, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "name", "provider" });
            Assert.Empty(problems);
            Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----", options.PrivateKey, StringComparison.Ordinal);
            Assert.Equal("/srv/cameras", options.RootFolder);
            var results = new List<ValidationResult>();
            Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true),
                string.Join("; ", results.Select(r => r.ErrorMessage)));
            Assert.Empty(options.Problems());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The configuration root seen as the storage's section.</summary>
    private sealed class RootSection(IConfigurationRoot root) : IConfigurationSection
    {
        public string? this[string key] { get => root[key]; set => root[key] = value; }
        public string Key => "";
        public string Path => "";
        public string? Value { get => null; set { } }
        public IEnumerable<IConfigurationSection> GetChildren() => root.GetChildren();
        public Microsoft.Extensions.Primitives.IChangeToken GetReloadToken() => root.GetReloadToken();
        public IConfigurationSection GetSection(string key) => root.GetSection(key);
    }
}
