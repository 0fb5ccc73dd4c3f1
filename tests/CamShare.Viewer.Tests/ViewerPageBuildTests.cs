using System.Text;
using System.Text.RegularExpressions;
using CamShare.Testing;
using CamShare.Viewer.Tests.Fixtures;

namespace CamShare.Viewer.Tests;

/// <summary>The committed page is what the build script makes, is what the assembly embeds, and is self-contained.</summary>
public sealed partial class ViewerPageBuildTests
{
    private static string Web => Path.Combine(RepoPaths.Root, "src", "CamShare.Viewer", "web");
    private static string Committed => Path.Combine(Web, "dist", "view.html");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rebuilding_the_page_gives_the_committed_bytes()
    {
        if (Tools.Find("node") is not { } node) { Assert.Skip("node is not installed: the rebuild check needs it"); return; }
        var output = Path.Combine(Path.GetTempPath(), $"camshare-view-{Guid.NewGuid():N}.html");
        try
        {
            await Tools.RunAsync(node, [Path.Combine(Web, "build.mjs"), "--out", output]);
            var rebuilt = await File.ReadAllBytesAsync(output, Ct);
            var committed = await File.ReadAllBytesAsync(Committed, Ct);
            Assert.True(rebuilt.AsSpan().SequenceEqual(committed),
                "web/dist/view.html is not what web/build.mjs makes from web/src: run `node src/CamShare.Viewer/web/build.mjs` and commit");
        }
        finally { File.Delete(output); }
    }

    [Fact]
    public async Task The_assembly_embeds_the_committed_page()
    {
        var committed = await File.ReadAllBytesAsync(Committed, Ct);
        Assert.True(ViewerPage.Bytes.Span.SequenceEqual(committed));
        using var stream = ViewerPage.OpenRead();
        Assert.Equal(ViewerPage.Bytes.Length, stream.Length);
    }

    [Fact]
    public void The_page_loads_nothing_from_anywhere_and_locks_itself_down()
    {
        var html = Encoding.UTF8.GetString(ViewerPage.Bytes.Span);
        Assert.DoesNotMatch(ExternalResource(), html);
        Assert.Single(Regex.Matches(html, "<script"));
        Assert.Contains("default-src 'none'", html);
        Assert.Contains("connect-src 'self'", html);
        Assert.Contains("<meta name=\"referrer\" content=\"no-referrer\">", html);
        Assert.Contains("@noble/ciphers 2.4.0", html);
        Assert.Contains("MIT License", html);
        Assert.DoesNotContain("@CSP@", html);
        Assert.True(ViewerPage.Bytes.Length < 200_000, $"the page is {ViewerPage.Bytes.Length} bytes");
    }

    // A script, style, image, frame or media element or an import that names any URL.
    [GeneratedRegex("""<(script|link|img|iframe|source|video|audio)[^>]*\s(src|href)\s*=\s*"(?!data:)|@import|\bimport\s*\(""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalResource();
}
