using System.Text;

namespace CamShare.Storage.WebDav;

/// <summary>
/// Maps relative '/'-separated paths onto URLs under a base collection and back. Each segment is
/// percent-encoded as UTF-8 (RFC 3986: everything but unreserved characters), so '+', '#', '?', '%', ';',
/// quotes and spaces reach the server as literal name characters.
/// </summary>
internal sealed class WebDavPaths
{
    private readonly string _origin;     // "https://host:port"
    private readonly string _basePath;   // encoded, ends with '/'
    private readonly string _decodedBasePath;

    public WebDavPaths(Uri baseUrl)
    {
        _origin = baseUrl.GetLeftPart(UriPartial.Authority);
        var path = baseUrl.AbsolutePath; // as escaped by Uri
        if (!path.EndsWith('/')) path += "/";
        _basePath = path;
        _decodedBasePath = Decode(path);
    }

    /// <summary>The base collection's path, decoded, ending with '/'.</summary>
    public string DecodedBasePath => _decodedBasePath;

    /// <summary>URL of the file at <paramref name="relative"/> (no trailing slash).</summary>
    public Uri File(string relative) => new(_origin + _basePath + EncodePath(relative), UriKind.Absolute);

    /// <summary>URL of the collection at <paramref name="relative"/> ("" = the base), with a trailing slash
    /// (nginx answers MKCOL without one with 409).</summary>
    public Uri Collection(string relative) =>
        new(_origin + _basePath + (relative.Length == 0 ? "" : EncodePath(relative) + "/"), UriKind.Absolute);

    public static string EncodePath(string relative) => string.Join('/', relative.Split('/').Select(EncodeSegment));

    public static string EncodeSegment(string segment)
    {
        var sb = new StringBuilder(segment.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(segment))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
                sb.Append((char)b);
            else
                sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }

    /// <summary>Percent-decodes a path as UTF-8 ('+' stays '+': this is a path, not a form).</summary>
    public static string Decode(string path) => Uri.UnescapeDataString(path);

    /// <summary>
    /// The decoded path of an href from a multistatus response, which may be an absolute URL
    /// ("https://host/dav/a%20b") or an absolute path ("/dav/a%20b").
    /// </summary>
    public static string DecodedPathOfHref(string href)
    {
        href = href.Trim();
        var schemeEnd = href.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0 && href[..schemeEnd].All(char.IsAsciiLetter))
        {
            var pathStart = href.IndexOf('/', schemeEnd + 3);
            href = pathStart < 0 ? "/" : href[pathStart..];
        }
        var query = href.IndexOfAny(['?', '#']);
        if (query >= 0) href = href[..query];
        return Decode(href);
    }

    /// <summary>
    /// The path of <paramref name="decodedPath"/> relative to the base collection, without leading or trailing
    /// '/'; null when it lies outside the base.
    /// </summary>
    public string? RelativeToBase(string decodedPath)
    {
        var trimmed = decodedPath.TrimEnd('/') + "/";
        if (string.Equals(trimmed, _decodedBasePath, StringComparison.Ordinal)) return "";
        return decodedPath.StartsWith(_decodedBasePath, StringComparison.Ordinal)
            ? decodedPath[_decodedBasePath.Length..].Trim('/')
            : null;
    }
}
