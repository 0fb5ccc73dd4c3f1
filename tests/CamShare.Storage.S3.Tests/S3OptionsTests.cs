using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace CamShare.Storage.S3.Tests;

public sealed class S3OptionsTests
{
    private static S3StorageOptions Valid() => new()
    {
        Bucket = "cams", Region = "eu-central-1", AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "s3cr3t",
    };

    private static Dictionary<string, string> Problems(S3StorageOptions options) =>
        options.Validate(new ValidationContext(options)).GroupBy(p => p.MemberNames.Single()).ToDictionary(g => g.Key, g => string.Join(" | ", g.Select(p => p.ErrorMessage)));

    [Fact]
    public void Valid_aws_and_compatible_settings_have_no_problems()
    {
        Assert.Empty(Problems(Valid()));
        Assert.Empty(Problems(new S3StorageOptions { Bucket = "cams", Endpoint = "http://127.0.0.1:9000" })); // default chain
        Assert.Empty(Problems(new S3StorageOptions { Bucket = "cams", Region = "us-east-1", Profile = "camshare" }));
        var full = Valid();
        full.StorageClass = "STANDARD_IA";
        full.ServerSideEncryption = "aws:kms";
        full.KmsKeyId = "arn:aws:kms:eu-central-1:111122223333:key/abcd";
        full.SessionToken = "token";
        Assert.Empty(Problems(full));
    }

    [Fact]
    public void Each_broken_rule_names_its_key_and_says_what_to_do()
    {
        var problems = Problems(new S3StorageOptions
        {
            Bucket = "", Endpoint = "", Region = "", AccessKeyId = "AKID", SecretAccessKey = "",
            PartSizeMiB = 4, MultipartThresholdMiB = 1, Concurrency = 0, ServerSideEncryption = "aes",
            KmsKeyId = "k", StorageClass = "standard", RequestTimeoutSeconds = 0, AbortStaleUploadsAfterHours = -1,
        });
        Assert.Contains("name of an existing bucket", problems["bucket"]);
        Assert.Contains("eu-central-1", problems["region"]);
        Assert.Contains("secretAccessKeyEnv", problems["secretAccessKey"]);
        Assert.Contains("5 to 1024", problems["partSizeMiB"]);
        Assert.Contains("at least 5", problems["multipartThresholdMiB"]);
        Assert.Contains("1 to 16", problems["concurrency"]);
        Assert.Contains("AES256", problems["serverSideEncryption"]);
        Assert.Contains("aws:kms", problems["kmsKeyId"]);
        Assert.Contains("STANDARD_IA", problems["storageClass"]);
        Assert.Contains("5 to 3600", problems["requestTimeoutSeconds"]);
        Assert.Contains("0 (never)", problems["abortStaleUploadsAfterHours"]);
    }

    [Theory]
    [InlineData("s3.example.com", "full URL")]
    [InlineData("ftp://s3.example.com", "full URL")]
    [InlineData("https://s3.example.com/my-bucket", "only scheme, host and port")]
    public void A_bad_endpoint_is_explained(string endpoint, string hint)
    {
        var options = Valid();
        options.Endpoint = endpoint;
        Assert.Contains(hint, Problems(options)["endpoint"]);
    }

    [Fact]
    public void Buffers_held_in_memory_are_capped()
    {
        var options = Valid();
        options.PartSizeMiB = 2048;
        options.MultipartThresholdMiB = 5000;
        var problems = Problems(options);
        Assert.Contains("5 to 1024", problems["partSizeMiB"]);
        Assert.Contains("at most 1024", problems["multipartThresholdMiB"]);
    }

    [Fact]
    public void Credentials_must_come_in_a_consistent_set()
    {
        Assert.Contains("accessKeyId is empty", Problems(new S3StorageOptions { Bucket = "b", Region = "r", SecretAccessKey = "x" })["accessKeyId"]);
        var both = Valid();
        both.Profile = "p";
        Assert.Contains("not both", Problems(both)["profile"]);
        Assert.Contains("bucket's name", Problems(new S3StorageOptions { Bucket = "b/cams", Region = "r" })["bucket"]);
        Assert.Contains("'.' or '..'", Problems(new S3StorageOptions { Bucket = "b", Region = "r", Prefix = "a/../b" })["prefix"]);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("/", "")]
    [InlineData("cams", "cams/")]
    [InlineData("/cams/porch/", "cams/porch/")]
    public void The_prefix_is_normalised(string prefix, string expected) =>
        Assert.Equal(expected, new S3StorageOptions { Prefix = prefix }.NormalizedPrefix);

    [Fact]
    public void Path_style_defaults_to_on_for_custom_endpoints_only()
    {
        Assert.False(Valid().EffectivePathStyle);
        Assert.True(new S3StorageOptions { Endpoint = "https://minio.lan:9000" }.EffectivePathStyle);
        Assert.False(new S3StorageOptions { Endpoint = "https://r2.example", PathStyle = false }.EffectivePathStyle);
    }

    [Fact]
    public void Secrets_are_marked_and_every_setting_has_help()
    {
        var properties = typeof(S3StorageOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).ToList();
        Assert.Equal(["SecretAccessKey", "SessionToken"],
            properties.Where(p => p.GetCustomAttribute<SecretAttribute>() is not null).Select(p => p.Name).Order());
        Assert.All(properties, p => Assert.NotNull(p.GetCustomAttribute<DescriptionAttribute>()));
        Assert.NotNull(typeof(S3StorageOptions).GetCustomAttribute<DescriptionAttribute>());
        Assert.Equal(["Bucket"], properties.Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null).Select(p => p.Name));
    }

    [Fact]
    public void The_host_refuses_invalid_options_naming_the_key_without_the_secret()
    {
        var options = Valid();
        options.Bucket = "";
        var problems = new List<CamShare.Core.Configuration.ConfigProblem>();
        CamShare.Core.Configuration.ConfigLoader.ValidateOptions(options, "storages[0]", problems);
        var problem = Assert.Single(problems);
        Assert.Equal("storages[0].bucket", problem.Key);
        Assert.DoesNotContain("s3cr3t", problem.ToString());
    }
}
