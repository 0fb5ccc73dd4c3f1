using CamShare.ViewerHost.Tests.Fixtures;
using CamShare.Viewer;

namespace CamShare.ViewerHost.Tests;

/// <summary>`camshare share`: the link with the storage's viewing key, saved owner-only; clear usage errors.</summary>
public sealed class ShareTests
{
    private static readonly byte[] Key = RcloneCryptKey.DeriveDataKey(HostSite.Password, HostSite.Password2);

    [Fact]
    public async Task Prints_the_link_with_the_viewing_key_and_saves_it_owner_only()
    {
        using var site = new HostSite();
        var output = Path.Combine(site.Root, "links", "porch.link");

        var result = await site.CliAsync("share", "porch", "--destination", "nas", "--base-url", "https://cams.example.org/base", "--output", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var link = result.StandardOutput.Trim();
        Assert.Equal(ShareLink.Build(new Uri("https://cams.example.org/base/porch/"), Key).AbsoluteUri, link);
        Assert.StartsWith("https://cams.example.org/base/porch/view.html#k=", link);
        Assert.True(ShareLink.TryParseKey(link, out var parsed));
        Assert.Equal(Key, parsed);
        Assert.Equal(link + "\n", await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output));
        Assert.Contains(output, result.StandardError);
        Assert.DoesNotContain(HostSite.Password, result.StandardOutput + result.StandardError);
    }

    [Fact]
    public async Task Takes_the_base_URL_from_the_viewer_section_and_saves_under_the_spool_by_default()
    {
        using var site = new HostSite(baseUrl: "http://192.168.1.5:8080");

        var result = await site.CliAsync("share", "porch", "--destination", "nas");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.StartsWith("http://192.168.1.5:8080/porch/view.html#k=", result.StandardOutput.Trim());
        var file = Path.Combine(site.SpoolPath, "share", "porch.nas.link");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Theory]
    [InlineData(new[] { "share", "porch", "--destination", "nas" }, "--base-url")]
    [InlineData(new[] { "share", "porch", "--destination", "nas", "--base-url", "ftp://x" }, "not an absolute http(s) URL")]
    [InlineData(new[] { "share", "garage", "--destination", "nas", "--base-url", "https://x" }, "no camera 'garage'")]
    [InlineData(new[] { "share", "porch", "--destination", "cloud", "--base-url", "https://x" }, "no storage of that name")]
    [InlineData(new[] { "share", "porch", "--destination", "nas", "--revoke" }, "FUTURE segments")]
    [InlineData(new[] { "share", "porch" }, "--destination")]
    public async Task Usage_errors_exit_2_with_what_to_do_and_no_stack_trace(string[] arguments, string message)
    {
        using var site = new HostSite();

        var result = await site.CliAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError);
        Assert.Empty(result.StandardOutput.Trim());
    }

    [Fact]
    public async Task Without_a_base_URL_names_the_option_and_the_config_key()
    {
        using var site = new HostSite();

        var result = await site.CliAsync("share", "porch", "--destination", "nas");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("storages[0].viewer.baseUrl", result.StandardError);
    }

    [Fact]
    public async Task A_viewer_without_encryption_is_a_config_error_naming_the_key()
    {
        using var site = new HostSite();
        site.EditConfig(config => config["storages"]![0]!.AsObject().Remove("encryption"));

        var result = await site.CliAsync("share", "porch", "--destination", "nas", "--base-url", "https://x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("storages[0].viewer", result.StandardError);
        Assert.Contains("\"encryption\"", result.StandardError);
    }

    [Fact]
    public async Task Encryption_without_a_password_names_storages_0_encryption_password()
    {
        using var site = new HostSite();
        site.EditConfig(config => config["storages"]![0]!["encryption"]!["password"] = "");

        var result = await site.CliAsync("share", "porch", "--destination", "nas", "--base-url", "https://x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("storages[0].encryption.password", result.StandardError);
        Assert.DoesNotContain(HostSite.Password2, result.StandardError);
    }
}
