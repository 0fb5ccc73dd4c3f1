using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace CamShare.Storage.GoogleDrive.Tests.Emulator;

// The OAuth 2.0 side, as Google documents it: the consent endpoint (authorization code to a loopback redirect),
// the token endpoint (authorization_code, refresh_token, and the JWT bearer grant of service accounts, whose RS256
// signature is checked against the key the test registered), and Bearer checks on every API call.
public sealed partial class DriveEmulator
{
    private const string DriveScope = "https://www.googleapis.com/auth/drive";
    private readonly ConcurrentDictionary<string, string> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RSA> _serviceAccounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string ClientId, string RedirectUri)> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);

    /// <summary>Counts of token grants, by grant type.</summary>
    public ConcurrentDictionary<string, int> TokenGrants { get; } = new();

    /// <summary>How long issued access tokens live.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public void RegisterClient(string clientId, string clientSecret) => _clients[clientId] = clientSecret;

    /// <summary>A refresh token as a completed consent would have issued it.</summary>
    public string IssueRefreshToken(string clientId)
    {
        var token = "1//refresh-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _refreshTokens[token] = clientId;
        return token;
    }

    public void RevokeRefreshToken(string token) => _refreshTokens.TryRemove(token, out _);

    public void RegisterServiceAccount(string email, RSA publicKey) => _serviceAccounts[email] = publicKey;

    /// <summary>Makes every access token issued so far invalid (as if expired early): the next call gets 401.</summary>
    public void ExpireAccessTokens() => _accessTokens.Clear();

    private void RequireBearer(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : "";
        if (!_accessTokens.TryGetValue(token, out var expires) || expires < DateTimeOffset.UtcNow)
            throw new EmulatorError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token.",
                "authError", "Authorization");
    }

    private void Consent(HttpContext context)
    {
        var q = context.Request.Query;
        var redirect = q["redirect_uri"].ToString();
        if (!_clients.ContainsKey(q["client_id"].ToString()) || q["response_type"] != "code"
            || !q["scope"].ToString().Split(' ').Contains(DriveScope)
            || !(redirect.StartsWith("http://127.0.0.1:", StringComparison.Ordinal) || redirect.StartsWith("http://localhost:", StringComparison.Ordinal)))
            throw EmulatorError.BadRequest("invalid_request: client, response_type, scope or loopback redirect_uri is wrong");
        var code = "4/code-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        _codes[code] = (q["client_id"].ToString(), redirect);
        var location = $"{redirect}?code={Uri.EscapeDataString(code)}&scope={Uri.EscapeDataString(DriveScope)}";
        if (q.TryGetValue("state", out var state)) location += "&state=" + Uri.EscapeDataString(state.ToString());
        context.Response.StatusCode = 302;
        context.Response.Headers.Location = location;
    }

    private async Task TokenAsync(HttpContext context)
    {
        if (context.Request.Method != "POST" || !context.Request.HasFormContentType)
        {
            await TokenErrorAsync(context, 400, "invalid_request", "POST a form");
            return;
        }
        var form = await context.Request.ReadFormAsync();
        var grant = form["grant_type"].ToString();
        TokenGrants.AddOrUpdate(grant, 1, (_, n) => n + 1);
        switch (grant)
        {
            case "refresh_token":
                if (!ClientOk(form)) { await TokenErrorAsync(context, 401, "invalid_client", "Unauthorized"); return; }
                if (!_refreshTokens.TryGetValue(form["refresh_token"].ToString(), out var owner) || owner != form["client_id"])
                {
                    await TokenErrorAsync(context, 400, "invalid_grant", "Token has been expired or revoked.");
                    return;
                }
                await WriteJsonAsync(context, IssueAccess(null));
                return;
            case "authorization_code":
                if (!ClientOk(form)) { await TokenErrorAsync(context, 401, "invalid_client", "Unauthorized"); return; }
                if (!_codes.TryRemove(form["code"].ToString(), out var issued) || issued.RedirectUri != form["redirect_uri"]
                    || issued.ClientId != form["client_id"])
                {
                    await TokenErrorAsync(context, 400, "invalid_grant", "Malformed auth code.");
                    return;
                }
                await WriteJsonAsync(context, IssueAccess(IssueRefreshToken(issued.ClientId)));
                return;
            case "urn:ietf:params:oauth:grant-type:jwt-bearer":
                var problem = CheckAssertion(form["assertion"].ToString());
                if (problem is not null) { await TokenErrorAsync(context, 400, "invalid_grant", problem); return; }
                await WriteJsonAsync(context, IssueAccess(null));
                return;
            default:
                await TokenErrorAsync(context, 400, "unsupported_grant_type", "Invalid grant_type: " + grant);
                return;
        }
    }

    private bool ClientOk(IFormCollection form) =>
        _clients.TryGetValue(form["client_id"].ToString(), out var secret) && secret == form["client_secret"];

    private JsonObject IssueAccess(string? refreshToken)
    {
        var token = "ya29.emu-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _accessTokens[token] = DateTimeOffset.UtcNow + AccessTokenLifetime;
        var json = new JsonObject
        {
            ["access_token"] = token,
            ["expires_in"] = (int)AccessTokenLifetime.TotalSeconds,
            ["scope"] = DriveScope,
            ["token_type"] = "Bearer",
        };
        if (refreshToken is not null) json["refresh_token"] = refreshToken;
        return json;
    }

    private string? CheckAssertion(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3) return "Invalid JWT.";
        var header = JsonNode.Parse(Base64Url(parts[0]));
        var claims = JsonNode.Parse(Base64Url(parts[1]));
        if ((string?)header?["alg"] != "RS256") return "Invalid JWT: alg must be RS256.";
        var issuer = (string?)claims?["iss"] ?? "";
        if (!_serviceAccounts.TryGetValue(issuer, out var key)) return "Invalid JWT: unknown service account.";
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!key.VerifyData(signed, Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            return "Invalid JWT Signature.";
        // Google documents aud as its token URL; Google.Apis puts that value there whatever token_uri is.
        var audience = (string?)claims?["aud"];
        if (audience != TokenEndpoint && audience != "https://oauth2.googleapis.com/token")
            return $"Invalid JWT: aud {audience} is not the token endpoint.";
        var exp = claims?["exp"]?.GetValue<long>() ?? 0;
        if (DateTimeOffset.FromUnixTimeSeconds(exp) < DateTimeOffset.UtcNow) return "Invalid JWT: Token must be a short-lived token.";
        if (!((string?)claims?["scope"] ?? "").Split(' ').Contains(DriveScope)) return "Invalid JWT: scope lacks Drive.";
        return null;
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }

    private static async Task TokenErrorAsync(HttpContext context, int status, string error, string description)
    {
        context.Response.StatusCode = status;
        await WriteJsonAsync(context, new JsonObject { ["error"] = error, ["error_description"] = description });
    }
}
