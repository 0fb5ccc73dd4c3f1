using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace CamShare.Storage.GoogleDrive.Tests.Emulator;

/// <summary>
/// Drive v3's discovery document (Discovery/drive-v3.json): which methods exist at which paths with which HTTP
/// method, which query parameters each accepts (and their types), and the schemas that <c>fields</c> masks and
/// request bodies are checked against. Anything it does not describe is refused, as the real service refuses it.
/// </summary>
internal sealed class DiscoveryDocument
{
    private readonly JsonObject _doc;
    private readonly List<DiscoveryMethod> _methods = [];

    public DiscoveryDocument(string path)
    {
        _doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (var (resource, body) in _doc["resources"]!.AsObject())
        foreach (var (name, method) in body!["methods"]!.AsObject())
            _methods.Add(new DiscoveryMethod($"{resource}.{name}", method!.AsObject()));
    }

    public static DiscoveryDocument Load() =>
        new(Path.Combine(AppContext.BaseDirectory, "Discovery", "drive-v3.json"));

    /// <summary>The method at <paramref name="relativePath"/> (after /drive/v3/ or /upload/drive/v3/).</summary>
    public (DiscoveryMethod Method, Dictionary<string, string> PathValues) Resolve(string httpMethod, string relativePath, bool upload)
    {
        var candidates = _methods.Where(m => !upload || m.SupportsUpload)
            .Select(m => (Method: m, Values: m.Match(relativePath)))
            .Where(c => c.Values is not null).ToList();
        if (candidates.Count == 0) throw new EmulatorError(404, $"Not Found: {relativePath}", "notFound");
        var exact = candidates.FirstOrDefault(c => c.Method.HttpMethod == httpMethod);
        if (exact.Method is null)
            throw EmulatorError.BadRequest($"Method {httpMethod} is not allowed on {relativePath}; the API offers " +
                                           string.Join(", ", candidates.Select(c => c.Method.HttpMethod)), "badRequest");
        return (exact.Method, exact.Values!);
    }

    /// <summary>Refuses unknown parameters and values of the wrong type, as Drive does (400).</summary>
    public void ValidateQuery(DiscoveryMethod method, IQueryCollection query, params string[] uploadOnly)
    {
        var globals = _doc["parameters"]!.AsObject();
        foreach (var (name, values) in query)
        {
            if (uploadOnly.Contains(name)) continue;
            var spec = method.Parameters[name] is JsonObject p && (string?)p["location"] == "query" ? p
                : globals[name] as JsonObject;
            if (spec is null)
                throw EmulatorError.BadRequest($"Invalid JSON payload received. Unknown name \"{name}\": Cannot bind " +
                                               $"query parameter. Field '{name}' could not be found in request message.",
                    "badRequest", name);
            foreach (var value in values) CheckType(name, value ?? "", spec);
        }
    }

    private static void CheckType(string name, string value, JsonObject spec)
    {
        var type = (string?)spec["type"];
        var ok = type switch
        {
            "boolean" => value is "true" or "false",
            "integer" => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                         && (spec["minimum"] is null || n >= long.Parse((string)spec["minimum"]!, CultureInfo.InvariantCulture))
                         && (spec["maximum"] is null || n <= long.Parse((string)spec["maximum"]!, CultureInfo.InvariantCulture)),
            _ => spec["enum"] is not JsonArray allowed || allowed.Any(a => (string?)a == value),
        };
        if (!ok) throw EmulatorError.BadRequest($"Invalid value '{value}' for parameter {name}.", "invalidParameter", name);
    }

    /// <summary>Refuses body properties the schema does not have.</summary>
    public void ValidateBody(string schema, JsonObject body)
    {
        foreach (var (name, _) in body)
            if (!HasProperty(schema, name))
                throw EmulatorError.BadRequest($"Invalid JSON payload received. Unknown name \"{name}\": Cannot find field.", "badRequest");
    }

    public bool HasProperty(string schema, string name) => Properties(schema)?.ContainsKey(name) == true;

    /// <summary>The schema a property refers to (itself or its array items), null for plain values and objects.</summary>
    public string? PropertySchema(string schema, string name)
    {
        var property = Properties(schema)?[name];
        return (string?)property?["$ref"] ?? (string?)property?["items"]?["$ref"];
    }

    private JsonObject? Properties(string schema) => _doc["schemas"]?[schema]?["properties"] as JsonObject;
}

/// <summary>One method of the discovery document.</summary>
internal sealed class DiscoveryMethod(string id, JsonObject spec)
{
    public string Id { get; } = id;
    public string HttpMethod { get; } = (string)spec["httpMethod"]!;
    public string PathTemplate { get; } = (string)spec["path"]!;
    public JsonObject Parameters { get; } = spec["parameters"]?.AsObject() ?? [];
    public bool SupportsUpload { get; } = spec["supportsMediaUpload"]?.GetValue<bool>() == true;
    public string? RequestSchema { get; } = (string?)spec["request"]?["$ref"];
    public string? ResponseSchema { get; } = (string?)spec["response"]?["$ref"];

    /// <summary>The path parameters when <paramref name="path"/> fits the template, else null.</summary>
    public Dictionary<string, string>? Match(string path)
    {
        var template = PathTemplate.Split('/');
        var parts = path.Split('/');
        if (template.Length != parts.Length) return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < parts.Length; i++)
        {
            if (template[i].StartsWith('{')) { if (parts[i].Length == 0) return null; values[template[i].Trim('{', '}')] = Uri.UnescapeDataString(parts[i]); }
            else if (template[i] != parts[i]) return null;
        }
        return values;
    }
}
