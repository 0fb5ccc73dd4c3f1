using System.Security.Cryptography;
using System.Text;

namespace CamShare.Storage.WebDav;

/// <summary>
/// HTTP Digest (RFC 7616): MD5, SHA-256 and their -sess variants, qop "auth" (or none, RFC 2069 style).
/// One instance holds one server challenge; requests under it count nonce uses (nc) themselves.
/// </summary>
internal sealed class DigestCredentials
{
    private readonly string _username;
    private readonly string _password;
    private long _nonceCount;

    private DigestCredentials(string username, string password, string realm, string nonce, string? opaque,
        string algorithm, bool useQop)
    {
        _username = username;
        _password = password;
        Realm = realm;
        Nonce = nonce;
        Opaque = opaque;
        Algorithm = algorithm;
        UseQop = useQop;
    }

    public string Realm { get; }
    public string Nonce { get; }
    public string? Opaque { get; }
    public string Algorithm { get; }
    public bool UseQop { get; }

    public static bool IsSupported(AuthChallenge challenge)
    {
        if (!challenge.Scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase)) return false;
        if (challenge["realm"] is null || challenge["nonce"] is null) return false;
        var qop = challenge["qop"];
        if (qop is not null && !QopOptions(qop).Contains("auth")) return false; // auth-int would need the body's hash
        return (challenge["algorithm"] ?? "MD5").ToUpperInvariant() is "MD5" or "MD5-SESS" or "SHA-256" or "SHA-256-SESS";
    }

    /// <summary>SHA-256 before MD5 when a server offers both (RFC 7616 §3.7).</summary>
    public static int Preference(AuthChallenge challenge) =>
        (challenge["algorithm"] ?? "MD5").StartsWith("SHA-256", StringComparison.OrdinalIgnoreCase) ? 2 : 1;

    public static DigestCredentials From(AuthChallenge challenge, string username, string password) =>
        new(username, password, challenge["realm"]!, challenge["nonce"]!, challenge["opaque"],
            (challenge["algorithm"] ?? "MD5").ToUpperInvariant(), challenge["qop"] is not null);

    private static IEnumerable<string> QopOptions(string qop) =>
        qop.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(q => q.ToLowerInvariant());

    /// <summary>The Authorization header value for one request.</summary>
    /// <param name="method">The request method, e.g. "PUT".</param>
    /// <param name="requestTarget">Exactly what goes on the request line (path and query, percent-encoded).</param>
    public string Authorize(string method, string requestTarget)
    {
        var nc = Interlocked.Increment(ref _nonceCount).ToString("x8");
        var cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return Authorize(method, requestTarget, nc, cnonce);
    }

    /// <summary>Deterministic form for tests (RFC 7616 §3.9.1 vectors).</summary>
    public string Authorize(string method, string requestTarget, string nc, string cnonce)
    {
        var sha256 = Algorithm.StartsWith("SHA-256", StringComparison.Ordinal);
        string H(string s) => Convert.ToHexStringLower(sha256
            ? SHA256.HashData(Encoding.UTF8.GetBytes(s))
            : MD5.HashData(Encoding.UTF8.GetBytes(s)));

        var ha1 = H($"{_username}:{Realm}:{_password}");
        if (Algorithm.EndsWith("-SESS", StringComparison.Ordinal)) ha1 = H($"{ha1}:{Nonce}:{cnonce}");
        var ha2 = H($"{method}:{requestTarget}");
        var response = UseQop ? H($"{ha1}:{Nonce}:{nc}:{cnonce}:auth:{ha2}") : H($"{ha1}:{Nonce}:{ha2}");

        var sb = new StringBuilder("Digest ");
        sb.Append("username=").Append(Quote(_username));
        sb.Append(", realm=").Append(Quote(Realm));
        sb.Append(", nonce=").Append(Quote(Nonce));
        sb.Append(", uri=").Append(Quote(requestTarget));
        sb.Append(", algorithm=").Append(Algorithm);
        if (UseQop) sb.Append(", qop=auth, nc=").Append(nc).Append(", cnonce=").Append(Quote(cnonce));
        sb.Append(", response=").Append(Quote(response));
        if (Opaque is not null) sb.Append(", opaque=").Append(Quote(Opaque));
        return sb.ToString();
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
