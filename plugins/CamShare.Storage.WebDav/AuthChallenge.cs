using System.Text;

namespace CamShare.Storage.WebDav;

/// <summary>One challenge from a WWW-Authenticate header: a scheme and its auth-params (RFC 7235 §2.1).</summary>
internal sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Parses every challenge in the given header values. A single value may hold several challenges
    /// ("Digest realm=\"x\", nonce=\"y\", Basic realm=\"x\""); quoted strings may contain commas.
    /// </summary>
    public static List<AuthChallenge> ParseAll(IEnumerable<string> headerValues)
    {
        var result = new List<AuthChallenge>();
        foreach (var header in headerValues) Parse(header, result);
        return result;
    }

    private static void Parse(string s, List<AuthChallenge> result)
    {
        var i = 0;
        string? scheme = null;
        Dictionary<string, string>? parameters = null;
        while (i < s.Length)
        {
            SkipSeparators(s, ref i);
            if (i >= s.Length) break;
            var token = ReadToken(s, ref i);
            SkipSpaces(s, ref i);
            if (i < s.Length && s[i] == '=' && scheme is not null)
            {
                i++;
                SkipSpaces(s, ref i);
                var value = i < s.Length && s[i] == '"' ? ReadQuoted(s, ref i) : ReadToken(s, ref i);
                parameters![token.ToLowerInvariant()] = value;
            }
            else if (token.Length > 0)
            {
                if (scheme is not null) result.Add(new AuthChallenge(scheme, parameters!));
                scheme = token;
                parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            }
            else
            {
                i++;
            }
        }
        if (scheme is not null) result.Add(new AuthChallenge(scheme, parameters!));
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t') i++;
    }

    private static void SkipSeparators(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or ',') i++;
    }

    private static string ReadToken(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && s[i] is not (' ' or '\t' or ',' or '=' or '"')) i++;
        return s[start..i];
    }

    private static string ReadQuoted(string s, ref int i)
    {
        var sb = new StringBuilder();
        i++; // opening quote
        while (i < s.Length && s[i] != '"')
        {
            if (s[i] == '\\' && i + 1 < s.Length) i++;
            sb.Append(s[i++]);
        }
        i++; // closing quote
        return sb.ToString();
    }
}
