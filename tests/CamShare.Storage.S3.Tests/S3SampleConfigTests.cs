using System.Reflection;
using System.Text.Json;
using CamShare.Abstractions;
using CamShare.Testing;
using Xunit;

namespace CamShare.Storage.S3.Tests;

/// <summary>The sample configs use only settings the S3 options know, with values that pass validation.</summary>
public sealed class S3SampleConfigTests
{
    [Theory]
    [InlineData("s3-aws.json")]
    [InlineData("s3-compatible-minio.json")]
    public void The_sample_storage_binds_onto_the_options_and_is_valid(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", file)));
        var storage = Assert.Single(document.RootElement.GetProperty("storages").EnumerateArray(),
            s => s.GetProperty("provider").GetString() == "s3");
        var destinations = document.RootElement.GetProperty("cameras")[0].GetProperty("destinations").EnumerateArray()
            .Select(d => d.GetString());
        Assert.Contains(storage.GetProperty("name").GetString(), destinations);

        var options = new S3StorageOptions();
        var properties = typeof(S3StorageOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var setting in storage.EnumerateObject())
        {
            if (setting.Name is "name" or "provider") continue;
            var secret = properties.Values.FirstOrDefault(p => p.GetCustomAttribute<SecretAttribute>() is not null &&
                (setting.Name.Equals(p.Name + "Env", StringComparison.OrdinalIgnoreCase) ||
                 setting.Name.Equals(p.Name + "File", StringComparison.OrdinalIgnoreCase)));
            if (secret is not null)
            {
                secret.SetValue(options, "resolved-by-the-host");
                continue;
            }
            Assert.True(properties.TryGetValue(setting.Name, out var property), $"{file}: unknown S3 setting '{setting.Name}'");
            Assert.True(char.IsLower(setting.Name[0]), $"{file}: '{setting.Name}' is not camelCase");
            var type = Nullable.GetUnderlyingType(property!.PropertyType) ?? property.PropertyType;
            property.SetValue(options, type == typeof(bool) ? setting.Value.GetBoolean()
                : type == typeof(int) ? setting.Value.GetInt32() : setting.Value.GetString());
        }
        Assert.Empty(options.Problems());
    }
}
