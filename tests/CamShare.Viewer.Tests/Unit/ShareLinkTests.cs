namespace CamShare.Viewer.Tests.Unit;

public sealed class ShareLinkTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(i * 8 + 3)).ToArray();

    [Theory]
    [InlineData("https://cams.example.org/porch")]
    [InlineData("https://cams.example.org/porch/")]
    public void Builds_the_page_link_with_the_key_in_the_fragment(string folder)
    {
        var link = ShareLink.Build(new Uri(folder), Key);

        Assert.Equal("https://cams.example.org/porch/view.html#k=" + System.Buffers.Text.Base64Url.EncodeToString(Key), link.ToString());
        Assert.Equal("", link.Query);
        Assert.DoesNotContain("=", link.Fragment[3..]); // no padding
    }

    [Fact]
    public void Keeps_a_query_of_the_folder_url_and_drops_its_fragment()
    {
        var link = ShareLink.Build(new Uri("https://host/bucket/porch/?sig=abc#old"), Key);
        Assert.StartsWith("https://host/bucket/porch/view.html?sig=abc#k=", link.AbsoluteUri);
    }

    [Fact]
    public void Parses_back_the_key_from_the_link_the_fragment_or_the_bare_key()
    {
        var link = ShareLink.Build(new Uri("https://host/porch/"), Key);
        foreach (var text in new[] { link.ToString(), link.Fragment, link.Fragment[1..], link.Fragment[3..], link + "&x=1" })
        {
            Assert.True(ShareLink.TryParseKey(text, out var parsed), text);
            Assert.Equal(Key, parsed);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://host/porch/view.html")]
    [InlineData("https://host/porch/view.html#k=")]
    [InlineData("#k=AAAA")]
    [InlineData("#k=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")] // padded: not what Build writes
    [InlineData("#k=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+")]  // standard base64, not base64url
    [InlineData("#k=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9")]  // spare bits set: not canonical
    public void Refuses_anything_but_a_well_formed_32_byte_key(string? text)
    {
        Assert.False(ShareLink.TryParseKey(text, out var key));
        Assert.Empty(key);
    }

    [Fact]
    public void Refuses_a_key_of_another_length_and_a_relative_or_non_http_url()
    {
        Assert.Throws<ArgumentException>(() => ShareLink.Build(new Uri("https://host/porch/"), new byte[16]));
        Assert.Throws<ArgumentException>(() => ShareLink.Build(new Uri("porch/", UriKind.Relative), Key));
        Assert.Throws<ArgumentException>(() => ShareLink.Build(new Uri("file:///srv/porch/"), Key));
    }
}
