using CamShare.Testing;
using Xunit;

namespace CamShare.Storage.Sftp.Tests;

/// <summary>The options' own cross-field rules (the host runs them, and DataAnnotations, once at start-up).</summary>
public sealed class OptionsTests
{
    private const string Fingerprint = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";
    private const string Key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";

    private static SftpStorageOptions Valid() => new()
    {
        Host = "nas.local", Username = "cam", Password = "secret", HostKeyFingerprint = Fingerprint,
    };

    [Fact]
    public void A_password_or_a_key_is_enough()
    {
        Assert.Empty(Valid().Problems());
        var withKey = Valid();
        withKey.Password = null;
        withKey.PrivateKey = Key;
        withKey.PrivateKeyPassphrase = "phrase";
        Assert.Empty(withKey.Problems());
    }

    [Fact]
    public void Without_any_credential_the_password_is_asked_for()
    {
        var options = Valid();
        options.Password = null;
        Assert.Equal("password", Assert.Single(options.Problems()).Key);
    }

    [Theory]
    [InlineData("SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s", true)]
    [InlineData("uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s", true)]
    [InlineData("sha256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s=", true)]
    [InlineData("MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48", false)]
    [InlineData("SHA256:tooShort", false)]
    [InlineData("b8:b2:b1:1d:d6:08:2c:07:b1:37:4a:c0:91:f0:e5:a5:29:88:ab:00:ee:a4:a0:0e:f4:74:15:c2:7f:38:e5:8f", false)]
    public void The_fingerprint_is_SHA256_base64_as_ssh_keygen_prints_it(string fingerprint, bool valid)
    {
        var options = Valid();
        options.HostKeyFingerprint = fingerprint;
        if (valid) Assert.Empty(options.Problems());
        else Assert.Equal("hostKeyFingerprint", Assert.Single(options.Problems()).Key);
        Assert.Equal(valid, HostKeyFingerprint.Normalize(fingerprint) == "uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s");
    }

    [Fact]
    public void A_key_that_is_a_path_instead_of_a_key_is_refused_without_echoing_it()
    {
        var options = Valid();
        options.PrivateKey = "/home/cam/.ssh/id_ed25519";
        var problem = Assert.Single(options.Problems());
        Assert.Equal("privateKey", problem.Key);
        Assert.Contains("privateKeyFile", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/home/cam", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cams", true)]
    [InlineData("/srv/cams/", true)]
    [InlineData("a/../b", false)]
    [InlineData("a//b", false)]
    public void The_root_folder_is_a_plain_path(string root, bool valid)
    {
        var options = Valid();
        options.RootFolder = root;
        Assert.Equal(valid, options.Problems().Count == 0);
    }

    [Theory]
    [InlineData("", "a/b.mp4", "a/b.mp4", ".")]
    [InlineData("cams", "a/b.mp4", "cams/a/b.mp4", "cams")]
    [InlineData("/srv/cams/", "a/b.mp4", "/srv/cams/a/b.mp4", "/srv/cams")]
    [InlineData("/", "b.mp4", "/b.mp4", "/")]
    public void Keys_map_under_the_root_folder(string root, string key, string path, string rootPath)
    {
        var paths = new SftpPaths(root);
        Assert.Equal(path, paths.Of(key));
        Assert.Equal(rootPath, paths.Root);
        Assert.Equal(rootPath, paths.Of(""));
    }

    [Fact]
    public void Folder_levels_run_from_the_top_down()
    {
        Assert.Equal(["a", "a/b", "a/b/c"], SftpPaths.Levels("a/b/c"));
        Assert.Equal(["/srv", "/srv/x"], SftpPaths.Levels("/srv/x"));
        Assert.Empty(SftpPaths.Levels("."));
    }
}
