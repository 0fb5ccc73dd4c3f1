using CamShare.Testing;
using CamShare.Abstractions;
using Xunit;
using Kind = CamShare.Storage.Rclone.RcloneErrors.Kind;

namespace CamShare.Storage.Rclone.Tests;

public sealed class RcloneOptionsTests
{
    private static RcloneStorageOptions Valid() => new() { Remote = "onedrive:Cameras" };

    [Fact]
    public void Valid_options_have_no_problem()
    {
        Assert.Empty(Valid().Problems());
        var env = Valid();
        env.ConfigPath = "/dev/null"; // remotes only from RCLONE_CONFIG_* variables
        env.Remote = ":sftp,host=nas:cams";
        env.BandwidthLimit = "08:00,512k 19:00,off";
        Assert.Empty(env.Problems());
    }

    [Theory]
    [InlineData("--dry-run", "--dry-run")]
    [InlineData("--dry-run=false", "--dry-run")]
    [InlineData("-n", "--dry-run")]
    [InlineData("-nv", "--dry-run")]
    [InlineData("--max-transfer=1G", "--max-transfer")]
    [InlineData("--include", "--include")]
    [InlineData("--ignore-existing", "--ignore-existing")]
    [InlineData("--config", "configPath")]
    [InlineData("-P", "--progress")]
    public void A_deny_listed_flag_is_a_problem_that_names_it_and_says_why(string flag, string expected)
    {
        var options = Valid();
        options.ExtraFlags = ["--transfers", "2", flag];
        var problem = Assert.Single(options.Problems());
        Assert.Equal("extraFlags", problem.Key);
        Assert.Contains(expected, problem.Message);
        Assert.Contains("refused", problem.Message);
    }

    [Fact]
    public void Ordinary_flags_and_their_values_are_allowed()
    {
        var options = Valid();
        options.ExtraFlags = ["--onedrive-chunk-size", "20M", "--low-level-retries=3", "--transfers", "4", "-1"];
        Assert.Empty(options.Problems());
    }

    [Fact]
    public void A_deny_listed_flag_given_as_an_environment_variable_is_a_problem()
    {
        var options = Valid();
        options.Environment["RCLONE_DRY_RUN"] = "true";
        options.Environment["RCLONE_CONFIG_ONEDRIVE_TOKEN"] = "x";
        var problem = Assert.Single(options.Problems());
        Assert.Equal("environment", problem.Key);
        Assert.Contains("--dry-run", problem.Message);
    }

    [Theory]
    [InlineData("", "remote")]
    [InlineData("onedrive", "remote")]
    public void A_remote_must_be_given_as_name_and_path(string remote, string key)
    {
        var options = Valid();
        options.Remote = remote;
        Assert.Equal(key, Assert.Single(options.Problems()).Key);
    }

    [Fact]
    public void A_missing_binary_or_config_file_is_a_problem()
    {
        var options = Valid();
        options.RclonePath = "/nonexistent/rclone";
        options.ConfigPath = "/nonexistent/rclone.conf";
        options.OperationTimeoutSeconds = -1;
        Assert.Equal(["configPath", "operationTimeoutSeconds", "rclonePath"], options.Problems().Select(p => p.Key).Order());
    }
}

public sealed class RcloneErrorsTests
{
    [Theory]
    [InlineData(1, "Failed to create file system for \"x:\": didn't find section in config file", "Configuration")]
    [InlineData(1, "NewFs: couldn't connect SSH: ssh: handshake failed: ssh: unable to authenticate", "Authentication")]
    [InlineData(1, "NewFs: couldn't connect SSH: dial tcp 127.0.0.1:1: connect: connection refused", "Unreachable")]
    [InlineData(1, "x is a directory or doesn't exist", "NotFound")]
    [InlineData(1, "Error: unknown flag: --nope", "Configuration")]
    [InlineData(1, "Failed to link: sftp://h/x doesn't support public links", "NotSupported")]
    [InlineData(2, "Failed to copy: googleapi: Error 403: The user's Drive storage quota has been exceeded., storageQuotaExceeded", "Quota")]
    [InlineData(2, "Failed to copy: 507 Insufficient Storage", "Quota")]
    [InlineData(2, "Failed to copy: sftp: connection lost", "Transient")]
    [InlineData(3, "directory not found", "NotFound")]
    [InlineData(4, "object not found", "NotFound")]
    [InlineData(5, "connection refused", "Unreachable")]
    [InlineData(5, "unauthorized", "Transient")] // exit code first: 5 is "temporary" whatever the text
    [InlineData(6, "something", "Transient")]
    [InlineData(7, "fatal: no space left on device", "Quota")]
    [InlineData(7, "fatal", "Configuration")]
    [InlineData(8, "max transfer limit reached", "Quota")]
    [InlineData(9, "", "Integrity")]
    [InlineData(137, "", "Transient")]
    public void Exit_codes_decide_and_the_text_refines(int code, string text, string expected) =>
        Assert.Equal(Enum.Parse<Kind>(expected), RcloneErrors.Classify(code, text));

    [Fact]
    public void Kinds_become_the_contract_errors()
    {
        Assert.IsType<StorageConfigurationException>(RcloneErrors.ToException(Kind.Configuration, "m"));
        Assert.IsType<StorageAuthenticationException>(RcloneErrors.ToException(Kind.Authentication, "m"));
        Assert.IsType<StorageUnreachableException>(RcloneErrors.ToException(Kind.Unreachable, "m"));
        Assert.IsType<StorageQuotaException>(RcloneErrors.ToException(Kind.Quota, "m"));
        Assert.IsType<StorageNotFoundException>(RcloneErrors.ToException(Kind.NotFound, "m"));
        Assert.IsType<StorageIntegrityException>(RcloneErrors.ToException(Kind.Integrity, "m"));
        Assert.IsType<NotSupportedException>(RcloneErrors.ToException(Kind.NotSupported, "m"));
        Assert.IsType<StorageTransientException>(RcloneErrors.ToException(Kind.Transient, "m"));
    }
}

public sealed class SecretRedactorTests
{
    [Fact]
    public void Environment_values_url_passwords_and_secret_parameters_are_masked()
    {
        var redactor = RcloneSecrets.RedactorFor(new Dictionary<string, string>
        {
            ["RCLONE_CONFIG_PASS"] = "configpassword",
            ["RCLONE_CONFIG_X_TYPE"] = "sftp",
            ["RCLONE_CONFIG_X_HOST"] = "nas.local",
        });
        var text = redactor.Redact(
            "bad configpassword; parsing \"configpasswor\"; https://bob:hunter2@example.com/x; sftp://root@h:22/; " +
            "\":webdav,url=https://h,pass=abc123,user=bob:\"; sftp on nas.local");
        Assert.DoesNotContain("configpasswor", text);
        Assert.DoesNotContain("hunter2", text);
        Assert.DoesNotContain("abc123", text);
        Assert.Contains("https://bob:***@example.com", text);
        Assert.Contains("sftp://root@h:22/", text);
        Assert.Contains("user=bob", text);
        Assert.Contains("nas.local", text);
    }
}

public sealed class RcloneRemoteTests
{
    [Theory]
    [InlineData("onedrive:Cameras", "a/b.mp4", "onedrive:Cameras/a/b.mp4")]
    [InlineData("onedrive:", "a/b.mp4", "onedrive:a/b.mp4")]
    [InlineData("onedrive:Cameras/", "a.mp4", "onedrive:Cameras/a.mp4")]
    [InlineData("onedrive:Cameras", "", "onedrive:Cameras")]
    public void Keys_map_below_the_root(string remote, string key, string expected) =>
        Assert.Equal(expected, new RcloneRemote(remote).PathOf(key));

    [Fact]
    public void On_the_fly_remotes_are_described_without_their_parameters()
    {
        var remote = new RcloneRemote(":sftp,host=h,pass=\"a:b\":cams");
        Assert.True(remote.IsOnTheFly);
        Assert.Equal(":sftp,...:cams", remote.ToString());
        Assert.Equal("cams", remote.Root);
    }
}
