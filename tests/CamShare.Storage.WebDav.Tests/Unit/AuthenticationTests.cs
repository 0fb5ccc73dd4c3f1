using Xunit;

namespace CamShare.Storage.WebDav.Tests.Unit;

public sealed class AuthenticationTests
{
    // RFC 7616 §3.9.1.
    private static AuthChallenge Rfc7616(string algorithm) => new("Digest", new Dictionary<string, string>
    {
        ["realm"] = "http-auth@example.org",
        ["qop"] = "auth, auth-int",
        ["algorithm"] = algorithm,
        ["nonce"] = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        ["opaque"] = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
    });

    [Theory]
    [InlineData("MD5", "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Digest_responses_match_the_rfc_7616_examples(string algorithm, string expected)
    {
        var credentials = DigestCredentials.From(Rfc7616(algorithm), "Mufasa", "Circle of Life");
        var header = credentials.Authorize("GET", "/dir/index.html", "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        Assert.Contains($"response=\"{expected}\"", header);
        Assert.Contains("qop=auth,", header);
        Assert.Contains("nc=00000001", header);
        Assert.Contains("opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"", header);
        Assert.Contains("uri=\"/dir/index.html\"", header);
    }

    [Fact]
    public void Nonce_counts_increase_per_request()
    {
        var credentials = DigestCredentials.From(Rfc7616("MD5"), "u", "p");
        Assert.Contains("nc=00000001", credentials.Authorize("PUT", "/a"));
        Assert.Contains("nc=00000002", credentials.Authorize("PUT", "/a"));
    }

    [Fact]
    public void Several_challenges_in_one_header_are_split_and_quoted_commas_kept()
    {
        var challenges = AuthChallenge.ParseAll([
            "Digest realm=\"a, b\", nonce=\"n1\", qop=\"auth,auth-int\", algorithm=SHA-256, Digest realm=\"a, b\", nonce=\"n2\", algorithm=MD5, Basic realm=\"x\\\"y\"",
            "Negotiate",
        ]);
        Assert.Equal(["Digest", "Digest", "Basic", "Negotiate"], challenges.Select(c => c.Scheme));
        Assert.Equal("a, b", challenges[0]["realm"]);
        Assert.Equal("auth,auth-int", challenges[0]["qop"]);
        Assert.Equal("SHA-256", challenges[0]["algorithm"]);
        Assert.Equal("n2", challenges[1]["nonce"]);
        Assert.Equal("x\"y", challenges[2]["realm"]);
        Assert.Equal(2, challenges.Where(DigestCredentials.IsSupported).MaxBy(DigestCredentials.Preference) is { } best
            ? DigestCredentials.Preference(best) : 0);
    }

    [Fact]
    public void Digest_challenges_the_client_cannot_answer_are_not_taken()
    {
        var authInt = AuthChallenge.ParseAll(["Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\""]).Single();
        var sha512 = AuthChallenge.ParseAll(["Digest realm=\"r\", nonce=\"n\", qop=\"auth\", algorithm=SHA-512-256"]).Single();
        var legacy = AuthChallenge.ParseAll(["Digest realm=\"r\", nonce=\"n\""]).Single();
        Assert.False(DigestCredentials.IsSupported(authInt));
        Assert.False(DigestCredentials.IsSupported(sha512));
        Assert.True(DigestCredentials.IsSupported(legacy));
        Assert.DoesNotContain("qop", DigestCredentials.From(legacy, "u", "p").Authorize("GET", "/"));
    }
}
