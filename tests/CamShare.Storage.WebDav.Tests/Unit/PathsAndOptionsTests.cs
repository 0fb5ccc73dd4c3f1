using CamShare.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CamShare.Storage.WebDav.Tests.Unit;

public sealed class PathsAndOptionsTests
{
    [Theory]
    [InlineData("porch cam", "porch%20cam")]
    [InlineData("20240323T102000+0100.mp4", "20240323T102000%2B0100.mp4")]
    [InlineData("a+b=c & d%20e", "a%2Bb%3Dc%20%26%20d%2520e")]
    [InlineData("#hash?query;semi", "%23hash%3Fquery%3Bsemi")]
    [InlineData("Gäste", "G%C3%A4ste")]
    [InlineData("with'quote\"", "with%27quote%22")]
    [InlineData("a-b_c.d~e", "a-b_c.d~e")]
    public void Segments_are_percent_encoded_as_utf8(string segment, string encoded)
    {
        Assert.Equal(encoded, WebDavPaths.EncodeSegment(segment));
        Assert.Equal(segment, WebDavPaths.Decode(encoded));
    }

    [Fact]
    public void Urls_keep_the_encoding_on_the_request_line()
    {
        var paths = new WebDavPaths(new Uri("https://cloud.example.org/remote.php/dav/files/alice%40example.org"));
        var uri = paths.File("Cameras/a+b=c & d%20e/#1?.mp4");
        Assert.Equal("/remote.php/dav/files/alice%40example.org/Cameras/a%2Bb%3Dc%20%26%20d%2520e/%231%3F.mp4", uri.PathAndQuery);
        Assert.Equal("https://cloud.example.org/remote.php/dav/files/alice%40example.org/Cameras/", paths.Collection("Cameras").AbsoluteUri);
        Assert.Equal("/remote.php/dav/files/alice@example.org/", paths.DecodedBasePath);
        Assert.Equal("Cameras/x y", paths.RelativeToBase("/remote.php/dav/files/alice@example.org/Cameras/x y/"));
        Assert.Null(paths.RelativeToBase("/elsewhere/x"));
    }

    [Fact]
    public void Valid_options_have_no_problems()
    {
        var options = new WebDavStorageOptions
        {
            BaseUrl = "https://cloud.example.org/remote.php/dav/files/alice/",
            Username = "alice",
            Password = "secret",
            RootFolder = "Cameras/Home",
            CertificateFingerprint = "AB:" + string.Concat(Enumerable.Repeat("CD:", 30)) + "EF",
        };
        Assert.Empty(options.Problems());
    }

    [Theory]
    [InlineData("", "baseUrl")]
    [InlineData("ftp://host/", "baseUrl")]
    [InlineData("https://user:pw@host/", "baseUrl")]
    public void Bad_base_urls_are_reported(string url, string key)
    {
        var problems = new WebDavStorageOptions { BaseUrl = url }.Problems().ToList();
        Assert.Contains(problems, p => p.Key == key);
        Assert.All(problems, p => Assert.DoesNotContain("pw", p.Message));
    }

    [Fact]
    public void Tls_options_are_checked()
    {
        var http = new WebDavStorageOptions { BaseUrl = "http://nas/", CertificateFingerprint = new string('a', 64) };
        Assert.Contains(http.Problems(), p => p.Key == "certificateFingerprint");
        var bad = new WebDavStorageOptions { BaseUrl = "https://nas/", CertificateFingerprint = "12:34" };
        Assert.Contains(bad.Problems(), p => p.Key == "certificateFingerprint");
        var both = new WebDavStorageOptions { BaseUrl = "https://nas/", CertificateFingerprint = new string('a', 64), CaFile = "/etc/hostname" };
        Assert.Contains(both.Problems(), p => p.Message.Contains("not both"));
        var missing = new WebDavStorageOptions { BaseUrl = "https://nas/", CaFile = "/nonexistent/ca.pem" };
        Assert.Contains(missing.Problems(), p => p.Key == "caFile");
    }

    [Fact]
    public void Other_options_are_checked()
    {
        Assert.Contains(new WebDavStorageOptions { BaseUrl = "https://nas/", Username = "u" }.Problems(), p => p.Key == "password");
        Assert.Contains(new WebDavStorageOptions { BaseUrl = "https://nas/", RootFolder = "a/../b" }.Problems(), p => p.Key == "rootFolder");
        Assert.Contains(new WebDavStorageOptions { BaseUrl = "https://nas/", TimeoutSeconds = 0 }.Problems(), p => p.Key == "timeoutSeconds");
        Assert.Contains(new WebDavStorageOptions { BaseUrl = "https://nas/", Authentication = WebDavAuthentication.Digest }.Problems(),
            p => p.Key == "authentication");
    }

    [Theory]
    [InlineData("ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89")]
    [InlineData("sha256 Fingerprint=AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    public void Fingerprints_are_accepted_in_the_usual_spellings(string text)
    {
        Assert.Equal("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789", CertificateTrust.NormalizeFingerprint(text));
    }

    [Fact]
    public void A_plugin_registers_the_webdav_provider()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        new WebDavStoragePlugin().ConfigureServices(services);
        var descriptor = Assert.Single(services.Select(s => s.ImplementationInstance).OfType<CamShare.Abstractions.StorageProviderDescriptor>());
        Assert.Equal("webdav", descriptor.Name);
        Assert.Equal(typeof(WebDavStorageOptions), descriptor.OptionsType);

        // The host creates providers through the descriptor, with a logger from its container.
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>));
        using var container = services.BuildServiceProvider();
        var provider = descriptor.Create(container, new WebDavStorageOptions { BaseUrl = "https://nas.example/dav/" }, "nas");
        Assert.IsType<WebDavStorageProvider>(provider);
        ((IDisposable)provider).Dispose();
    }
}
