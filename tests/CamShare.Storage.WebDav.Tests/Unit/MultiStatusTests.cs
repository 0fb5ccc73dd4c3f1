using CamShare.Abstractions;
using Xunit;

namespace CamShare.Storage.WebDav.Tests.Unit;

public sealed class MultiStatusTests
{
    [Fact]
    public void Parses_any_prefix_and_the_default_namespace()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <multistatus xmlns="DAV:">
              <response>
                <href>/dav/cams/</href>
                <propstat><prop><resourcetype><collection/></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat>
              </response>
              <x:response xmlns:x="DAV:">
                <x:href>/dav/cams/a.mp4</x:href>
                <x:propstat>
                  <x:prop>
                    <x:resourcetype/>
                    <x:getcontentlength>1234</x:getcontentlength>
                    <x:getlastmodified>Sat, 23 Mar 2024 10:20:00 GMT</x:getlastmodified>
                    <x:getetag>W/"4d2-6145"</x:getetag>
                  </x:prop>
                  <x:status>HTTP/1.1 200 OK</x:status>
                </x:propstat>
              </x:response>
            </multistatus>
            """;
        var items = MultiStatus.Parse(xml);
        Assert.Equal(2, items.Count);
        Assert.True(items[0].IsCollection);
        Assert.Equal("/dav/cams/", items[0].DecodedPath);
        Assert.False(items[1].IsCollection);
        Assert.Equal(1234, items[1].Length);
        Assert.Equal(new DateTimeOffset(2024, 3, 23, 10, 20, 0, TimeSpan.Zero), items[1].LastModified);
        Assert.Equal("W/\"4d2-6145\"", items[1].ETag);
    }

    [Fact]
    public void Element_names_count_by_namespace_not_by_prefix()
    {
        // "D:" bound to something other than DAV: must not be read as DAV: properties.
        const string xml = """
            <a:multistatus xmlns:a="DAV:" xmlns:D="urn:not-dav">
              <a:response>
                <a:href>/f.bin</a:href>
                <a:propstat>
                  <a:prop><D:getcontentlength>999</D:getcontentlength><a:getcontentlength>7</a:getcontentlength></a:prop>
                  <a:status>HTTP/1.1 200 OK</a:status>
                </a:propstat>
              </a:response>
            </a:multistatus>
            """;
        var item = Assert.Single(MultiStatus.Parse(xml));
        Assert.Equal(7, item.Length);
    }

    [Fact]
    public void Absolute_url_and_percent_encoded_hrefs_are_decoded()
    {
        const string xml = """
            <d:multistatus xmlns:d="DAV:">
              <d:response><d:href>https://cloud.example.org:8443/remote.php/dav/files/alice/G%C3%A4ste%20Zimmer/a%2Bb%3Dc%20%26%20d%2520e.mp4</d:href>
                <d:propstat><d:prop><d:getcontentlength>1</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
              <d:response><d:href>/remote.php/dav/files/alice/%E6%97%A5%E6%9C%AC/%23hash%3Fq.mp4</d:href>
                <d:propstat><d:prop><d:getcontentlength>2</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
              <d:response><d:href>/plain/with+plus &amp; amp.mp4</d:href>
                <d:propstat><d:prop><d:getcontentlength>3</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
            </d:multistatus>
            """;
        var items = MultiStatus.Parse(xml);
        Assert.Equal("/remote.php/dav/files/alice/Gäste Zimmer/a+b=c & d%20e.mp4", items[0].DecodedPath);
        Assert.Equal("/remote.php/dav/files/alice/日本/#hash?q.mp4", items[1].DecodedPath);
        Assert.Equal("/plain/with+plus & amp.mp4", items[2].DecodedPath);
    }

    [Fact]
    public void Properties_in_a_failed_propstat_are_ignored_and_404_responses_skipped()
    {
        const string xml = """
            <D:multistatus xmlns:D="DAV:" xmlns:oc="http://owncloud.org/ns">
              <D:response>
                <D:href>/x/a.mp4</D:href>
                <D:propstat><D:prop><D:getcontentlength>10</D:getcontentlength></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>
                <D:propstat><D:prop><D:getetag>"bogus"</D:getetag><oc:checksums/></D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>
              </D:response>
              <D:response><D:href>/x/gone.mp4</D:href><D:status>HTTP/1.1 404 Not Found</D:status></D:response>
            </D:multistatus>
            """;
        var item = Assert.Single(MultiStatus.Parse(xml));
        Assert.Equal(10, item.Length);
        Assert.Null(item.ETag);
        Assert.Empty(item.Checksums);
    }

    [Fact]
    public void Nextcloud_checksums_are_read()
    {
        const string xml = """
            <d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns">
              <d:response>
                <d:href>/remote.php/dav/files/alice/Cameras/porch/1.mp4</d:href>
                <d:propstat>
                  <d:prop>
                    <d:getlastmodified>Sat, 23 Mar 2024 10:25:03 GMT</d:getlastmodified>
                    <d:getcontentlength>5</d:getcontentlength>
                    <d:resourcetype/>
                    <d:getetag>&quot;6a1b2c&quot;</d:getetag>
                    <oc:checksums><oc:checksum>SHA1:AAF4C61DDCC5E8A2DABEDE0F3B482CD9AEA9434D MD5:5D41402ABC4B2A76B9719D911017C592 ADLER32:062c0215</oc:checksum></oc:checksums>
                  </d:prop>
                  <d:status>HTTP/1.1 200 OK</d:status>
                </d:propstat>
              </d:response>
            </d:multistatus>
            """;
        var item = Assert.Single(MultiStatus.Parse(xml));
        Assert.Equal("\"6a1b2c\"", item.ETag);
        Assert.Equal(2, item.Checksums.Count);
        Assert.Equal(ObjectChecksum.Of("sha1", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"), item.Checksums.Single(c => c.Algorithm == "sha1"));
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", item.Checksums.Single(c => c.Algorithm == "md5").Hex);
    }

    [Fact]
    public void A_document_that_is_not_a_multistatus_is_refused()
    {
        Assert.ThrowsAny<FormatException>(() => MultiStatus.Parse("<html><body>login</body></html>"));
        Assert.ThrowsAny<System.Xml.XmlException>(() => MultiStatus.Parse(
            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><multistatus xmlns=\"DAV:\">&e;</multistatus>"));
    }

    [Fact]
    public void Self_entry_and_children_are_told_apart()
    {
        const string xml = """
            <d:multistatus xmlns:d="DAV:">
              <d:response><d:href>http://proxy.example/prefix/dav/cam/</d:href>
                <d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
              <d:response><d:href>http://proxy.example/prefix/dav/cam/1.mp4</d:href>
                <d:propstat><d:prop><d:getcontentlength>1</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
            </d:multistatus>
            """;
        var items = MultiStatus.Parse(xml);
        // The base path the client knows is /dav/ (a proxy adds /prefix): fall back to the first entry and last segments.
        Assert.Equal(0, WebDavStorageProvider.SelfIndex(items, "/dav/cam/"));
        Assert.Equal("1.mp4", WebDavStorageProvider.ChildName(items[1].DecodedPath, "/dav/cam/"));
        Assert.Equal(0, WebDavStorageProvider.SelfIndex(MultiStatus.Parse(xml.Replace("http://proxy.example/prefix", "")), "/dav/cam/"));
    }
}
