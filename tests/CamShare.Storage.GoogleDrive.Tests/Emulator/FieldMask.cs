using System.Text.Json.Nodes;

namespace CamShare.Storage.GoogleDrive.Tests.Emulator;

/// <summary>
/// Drive's partial-response <c>fields</c> parameter: <c>a,b/c,d(e,f)</c>, checked against the response schema of the
/// discovery document (an unknown field is a 400 "Invalid field selection") and applied to the response.
/// </summary>
internal sealed class FieldMask
{
    private readonly Dictionary<string, FieldMask?> _children = new(StringComparer.Ordinal);

    private FieldMask() { }

    public bool All { get; private init; }

    public static FieldMask Everything { get; } = new() { All = true };

    /// <summary>Parses and validates; throws <see cref="EmulatorError"/> on a bad mask.</summary>
    public static FieldMask Parse(string text, string schema, DiscoveryDocument discovery)
    {
        var position = 0;
        var mask = ParseList(text, ref position, schema, discovery);
        if (position != text.Length) throw Invalid(text);
        return mask;
    }

    private static FieldMask ParseList(string text, ref int position, string? schema, DiscoveryDocument discovery)
    {
        var mask = new FieldMask();
        while (true)
        {
            var start = position;
            while (position < text.Length && text[position] is not (',' or '(' or ')')) position++;
            var path = text[start..position].Trim();
            if (path.Length == 0) throw Invalid(text);
            if (path == "*")
            {
                mask._children["*"] = Everything;
            }
            else
            {
                var target = mask;
                var currentSchema = schema;
                var parts = path.Split('/');
                for (var i = 0; i < parts.Length; i++)
                {
                    var name = parts[i];
                    if (currentSchema is not null && !discovery.HasProperty(currentSchema, name)) throw Invalid(name);
                    var childSchema = currentSchema is null ? null : discovery.PropertySchema(currentSchema, name);
                    var last = i == parts.Length - 1;
                    if (last && position < text.Length && text[position] == '(')
                    {
                        position++;
                        target._children[name] = ParseList(text, ref position, childSchema, discovery);
                        if (position >= text.Length || text[position] != ')') throw Invalid(text);
                        position++;
                    }
                    else if (last)
                        target._children[name] = null;
                    else
                    {
                        if (!target._children.TryGetValue(name, out var next) || next is null)
                            target._children[name] = next = new FieldMask();
                        target = next;
                    }
                    currentSchema = childSchema;
                }
            }
            if (position < text.Length && text[position] == ',') { position++; continue; }
            return mask;
        }
    }

    private static EmulatorError Invalid(string what) =>
        EmulatorError.BadRequest($"Invalid field selection {what}", "invalidParameter", "fields");

    /// <summary>The parts of <paramref name="node"/> the mask selects.</summary>
    public JsonNode? Apply(JsonNode? node)
    {
        if (All || node is null || _children.ContainsKey("*") && _children.Count == 1) return node?.DeepClone();
        if (node is JsonArray array) return new JsonArray(array.Select(Apply).ToArray());
        if (node is not JsonObject obj) return node.DeepClone();
        var result = new JsonObject();
        foreach (var (name, child) in _children)
        {
            if (name == "*") { foreach (var (k, v) in obj) result[k] ??= v?.DeepClone(); continue; }
            if (obj.TryGetPropertyValue(name, out var value))
                result[name] = child is null ? value?.DeepClone() : child.Apply(value);
        }
        return result;
    }
}
