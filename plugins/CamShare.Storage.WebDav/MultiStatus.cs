using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using CamShare.Abstractions;

namespace CamShare.Storage.WebDav;

/// <summary>One resource from a PROPFIND multistatus response (only properties with a 2xx propstat).</summary>
internal sealed record DavResource(
    string Href,
    string DecodedPath,
    bool IsCollection,
    long? Length,
    DateTimeOffset? LastModified,
    string? ETag,
    IReadOnlyList<ObjectChecksum> Checksums);

/// <summary>
/// Reads a 207 multistatus body (RFC 4918 §14.16) by namespace and local name, never by prefix, streaming one
/// &lt;response&gt; at a time.
/// </summary>
internal static class MultiStatus
{
    public static readonly XNamespace Dav = "DAV:";
    public static readonly XNamespace OwnCloud = "http://owncloud.org/ns";

    /// <summary>The PROPFIND body: the properties a listing needs, plus ownCloud/Nextcloud checksums.</summary>
    public const string PropfindBody =
        """
        <?xml version="1.0" encoding="utf-8"?>
        <d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">
          <d:prop>
            <d:resourcetype/>
            <d:getcontentlength/>
            <d:getlastmodified/>
            <d:getetag/>
            <oc:checksums/>
          </d:prop>
        </d:propfind>
        """;

    public static async Task<List<DavResource>> ParseAsync(Stream body, CancellationToken cancellationToken)
    {
        var settings = new XmlReaderSettings
        {
            Async = true,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        var result = new List<DavResource>();
        using var reader = XmlReader.Create(body, settings);
        await reader.MoveToContentAsync().ConfigureAwait(false);
        if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "multistatus" || reader.NamespaceURI != "DAV:")
            throw new FormatException($"expected a DAV: multistatus document, found <{reader.Name}>");
        await reader.ReadAsync().ConfigureAwait(false);
        while (!reader.EOF)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "response" && reader.NamespaceURI == "DAV:")
            {
                var element = (XElement)await XNode.ReadFromAsync(reader, cancellationToken).ConfigureAwait(false);
                var resource = ParseResponse(element);
                if (resource is not null) result.Add(resource);
            }
            else
            {
                await reader.ReadAsync().ConfigureAwait(false);
            }
        }
        return result;
    }

    public static List<DavResource> Parse(string xml)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(xml));
        return ParseAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static DavResource? ParseResponse(XElement response)
    {
        var href = response.Element(Dav + "href")?.Value;
        if (string.IsNullOrWhiteSpace(href)) return null;

        // A response either carries propstats or a bare status for the whole resource (e.g. 404).
        var props = response.Elements(Dav + "propstat")
            .Where(ps => IsSuccess(ps.Element(Dav + "status")?.Value))
            .SelectMany(ps => ps.Element(Dav + "prop")?.Elements() ?? [])
            .ToList();
        if (props.Count == 0 && response.Element(Dav + "status") is { } status && !IsSuccess(status.Value)) return null;

        XElement? Prop(XName name) => props.FirstOrDefault(p => p.Name == name);

        var isCollection = Prop(Dav + "resourcetype")?.Element(Dav + "collection") is not null;
        long? length = long.TryParse(Prop(Dav + "getcontentlength")?.Value.Trim(), NumberStyles.None,
            CultureInfo.InvariantCulture, out var l) ? l : null;
        var modified = ParseHttpDate(Prop(Dav + "getlastmodified")?.Value);
        var etag = Prop(Dav + "getetag")?.Value.Trim();
        var checksums = ParseChecksums(Prop(OwnCloud + "checksums"));
        return new DavResource(href.Trim(), WebDavPaths.DecodedPathOfHref(href), isCollection, length, modified,
            string.IsNullOrEmpty(etag) ? null : etag, checksums);
    }

    /// <summary>"HTTP/1.1 200 OK" → true. A missing status counts as success (lenient servers omit it).</summary>
    private static bool IsSuccess(string? status)
    {
        if (status is null) return true;
        var parts = status.Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && parts[1].Length == 3 && parts[1][0] == '2';
    }

    public static DateTimeOffset? ParseHttpDate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        string[] formats = ["r", "ddd, d MMM yyyy HH:mm:ss 'GMT'", "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy"];
        if (DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var exact))
            return exact.ToUniversalTime();
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var loose)
            ? loose.ToUniversalTime()
            : null;
    }

    /// <summary>ownCloud/Nextcloud: &lt;oc:checksums&gt;&lt;oc:checksum&gt;SHA1:… MD5:… ADLER32:…&lt;/oc:checksum&gt;.</summary>
    private static IReadOnlyList<ObjectChecksum> ParseChecksums(XElement? checksums)
    {
        if (checksums is null) return [];
        var result = new List<ObjectChecksum>();
        var texts = checksums.Elements().Select(e => e.Value).DefaultIfEmpty(checksums.Value);
        foreach (var token in texts.SelectMany(t => t.Split([' ', '\t', '\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries)))
        {
            var colon = token.IndexOf(':');
            if (colon <= 0) continue;
            var algorithm = token[..colon].ToUpperInvariant() switch
            {
                "MD5" => ChecksumAlgorithms.Md5,
                "SHA1" or "SHA-1" => ChecksumAlgorithms.Sha1,
                "SHA256" or "SHA-256" => ChecksumAlgorithms.Sha256,
                _ => null,
            };
            var hex = token[(colon + 1)..];
            if (algorithm is null || hex.Length == 0 || !hex.All(Uri.IsHexDigit)) continue;
            if (result.All(c => c.Algorithm != algorithm)) result.Add(ObjectChecksum.Of(algorithm, hex));
        }
        return result;
    }
}
