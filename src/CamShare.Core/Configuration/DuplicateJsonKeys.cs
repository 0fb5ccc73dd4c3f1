using System.Text.Json;

namespace CamShare.Core.Configuration;

/// <summary>Finds the first key that an object of a JSON document has twice.</summary>
public static class DuplicateJsonKeys
{
    public sealed record Duplicate(string Path, int Line);

    /// <summary>The first duplicate as a config path (e.g. <c>storages</c> or <c>cameras[0].url</c>), or null.</summary>
    public static Duplicate? Find(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        // One frame per open object or array: the keys seen (objects) or the next index (arrays).
        var frames = new Stack<Frame>();
        string? pendingName = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var name = reader.GetString()!;
                    var frame = frames.Peek();
                    if (!frame.Keys!.Add(name))
                        return new Duplicate(Join(frames, name), LineOf(json, reader.TokenStartIndex));
                    pendingName = name;
                    continue;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    frames.Push(new Frame(NameInParent(frames, pendingName), reader.TokenType == JsonTokenType.StartObject));
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    frames.Pop();
                    break;
                default:
                    _ = NameInParent(frames, pendingName);
                    break;
            }
            pendingName = null;
        }
        return null;
    }

    // The path element of the value that starts now: its property name, or its index in the enclosing array.
    private static string? NameInParent(Stack<Frame> frames, string? pendingName)
    {
        if (frames.Count == 0) return null;
        var parent = frames.Peek();
        return parent.Keys is null ? $"[{parent.NextIndex++}]" : pendingName;
    }

    private static string Join(Stack<Frame> frames, string name)
    {
        var parts = frames.Reverse().Skip(1).Select(f => f.Name).Append(name);
        return string.Concat(parts.Select((p, i) => i == 0 || p!.StartsWith('[') ? p : "." + p));
    }

    private static int LineOf(ReadOnlySpan<byte> json, long offset) => json[..(int)offset].Count((byte)'\n') + 1;

    private sealed class Frame(string? name, bool isObject)
    {
        public string? Name { get; } = name;
        public HashSet<string>? Keys { get; } = isObject ? new(StringComparer.OrdinalIgnoreCase) : null;
        public int NextIndex { get; set; }
    }
}
