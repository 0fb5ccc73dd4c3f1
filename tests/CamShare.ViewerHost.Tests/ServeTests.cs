using System.Text;
using CamShare.ViewerHost.Tests.Fixtures;
using CamShare.Viewer;

namespace CamShare.ViewerHost.Tests;

/// <summary>`camshare serve`: the local storage's folder, read-only, GET/HEAD of files only.</summary>
public sealed class ServeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serves_files_with_their_types_and_HEAD_without_a_body()
    {
        using var site = new HostSite();
        Directory.CreateDirectory(Path.Combine(site.CameraFolder, "camshare-index"));
        await File.WriteAllBytesAsync(Path.Combine(site.CameraFolder, ViewerPage.FileName), ViewerPage.Bytes.ToArray(), Ct);
        var index = RcloneCryptFormat.Encrypt("{}"u8, new byte[32]);
        await File.WriteAllBytesAsync(Path.Combine(site.CameraFolder, "camshare-index", "days.bin"), index, Ct);
        var (server, url) = await site.ServeAsync();
        await using var _ = server;

        var page = await RawHttp.SendAsync(url, "GET", "/porch/view.html");
        Assert.Equal(200, page.Status);
        Assert.Equal(ViewerPage.ContentType, page.Header("Content-Type"));
        Assert.Equal(ViewerPage.Bytes.ToArray(), page.Body);
        var days = await RawHttp.SendAsync(url, "GET", "/porch/camshare-index/days.bin");
        Assert.Equal((200, "application/octet-stream"), (days.Status, days.Header("Content-Type")));
        Assert.Equal(index, days.Body);
        var head = await RawHttp.SendAsync(url, "HEAD", "/porch/view.html");
        Assert.Equal(200, head.Status);
        Assert.Equal(ViewerPage.Bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Header("Content-Length"));
        Assert.Empty(head.Body);
        // The access line is written after the response is closed.
        for (var i = 0; i < 100 && !server.Output.Contains("HEAD /porch/view.html 200", StringComparison.Ordinal); i++) await Task.Delay(50, Ct);
        Assert.Contains("GET /porch/view.html 200", server.Output);
        Assert.Contains("HEAD /porch/view.html 200", server.Output);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/porch")]
    [InlineData("/porch/")]
    [InlineData("/porch/camshare-index")]
    [InlineData("/../camshare.json")]
    [InlineData("/porch/../../camshare.json")]
    [InlineData("/porch/%2e%2e/%2e%2e/camshare.json")]
    [InlineData("/porch/..%2f..%2fcamshare.json")]
    [InlineData("/porch/%2e%2e%2f%2e%2e%2fcamshare.json")]
    [InlineData("/porch/..%5c..%5ccamshare.json")]
    [InlineData("/porch/link-out")]
    [InlineData("/porch/.hidden")]
    [InlineData("/porch/.camshare-tmp-20240323T102000Z-0a1b2c3d-x.bin")]
    [InlineData("/porch/missing.bin")]
    [InlineData("/porch/view.html%00.txt")]
    [InlineData("//etc/passwd")]
    public async Task Refuses_directories_traversal_links_hidden_and_missing_files(string rawPath)
    {
        using var site = new HostSite();
        Directory.CreateDirectory(Path.Combine(site.CameraFolder, "camshare-index"));
        await File.WriteAllTextAsync(Path.Combine(site.CameraFolder, "view.html"), "page", Ct);
        await File.WriteAllTextAsync(Path.Combine(site.CameraFolder, ".hidden"), "hidden", Ct);
        await File.WriteAllTextAsync(Path.Combine(site.CameraFolder, ".camshare-tmp-20240323T102000Z-0a1b2c3d-x.bin"), "partial", Ct);
        File.CreateSymbolicLink(Path.Combine(site.CameraFolder, "link-out"), site.ConfigPath);
        var (server, url) = await site.ServeAsync();
        await using var _ = server;

        var response = await RawHttp.SendAsync(url, "GET", rawPath);

        Assert.InRange(response.Status, 400, 404);
        Assert.DoesNotContain(HostSite.Password, response.Text);
        Assert.DoesNotContain("root:", response.Text);
        Assert.DoesNotContain("partial", response.Text);
        Assert.DoesNotContain("hidden", response.Text);
        Assert.DoesNotContain("view.html", response.Text); // no listing
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    [InlineData("PROPFIND")]
    public async Task Refuses_every_method_but_GET_and_HEAD_and_changes_nothing(string method)
    {
        using var site = new HostSite();
        Directory.CreateDirectory(site.CameraFolder);
        var page = Path.Combine(site.CameraFolder, "view.html");
        await File.WriteAllTextAsync(page, "page", Ct);
        var (server, url) = await site.ServeAsync();
        await using var _ = server;

        var overwrite = await RawHttp.SendAsync(url, method, "/porch/view.html", "changed");
        var create = await RawHttp.SendAsync(url, method, "/porch/new.bin", "new");

        Assert.Equal((405, 405), (overwrite.Status, create.Status));
        Assert.Equal("GET, HEAD", overwrite.Header("Allow"));
        Assert.Equal("page", await File.ReadAllTextAsync(page, Ct));
        Assert.False(File.Exists(Path.Combine(site.CameraFolder, "new.bin")));
    }
}
