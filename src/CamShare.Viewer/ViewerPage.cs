namespace CamShare.Viewer;

/// <summary>
/// The viewer page (<c>view.html</c>): one static file with its script and styles inlined, built from
/// <c>web/</c> by <c>web/build.mjs</c>. The host uploads it beside the camera's recordings; it needs nothing else.
/// </summary>
public static class ViewerPage
{
    /// <summary>The object name the page is published under, in the camera's folder.</summary>
    public const string FileName = "view.html";

    /// <summary>The MIME type to store and serve it with.</summary>
    public const string ContentType = "text/html; charset=utf-8";

    private static readonly Lazy<byte[]> Page = new(Load);

    /// <summary>The page's bytes (UTF-8 HTML).</summary>
    public static ReadOnlyMemory<byte> Bytes => Page.Value;

    /// <summary>A fresh stream over the page, for uploading.</summary>
    public static Stream OpenRead() => new MemoryStream(Page.Value, writable: false);

    private static byte[] Load()
    {
        using var stream = typeof(ViewerPage).Assembly.GetManifestResourceStream("CamShare.Viewer.view.html")
            ?? throw new InvalidOperationException("view.html is not embedded in CamShare.Viewer");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
