using System.Text.Json;
using System.Text.Json.Serialization;

namespace CamShare.Viewer;

/// <summary>
/// Reads and writes the index documents as compact UTF-8 JSON (before encryption). Unknown members are
/// ignored on reading, so that a later minor addition does not break an older host.
/// </summary>
public static class ViewerJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.Strict,
        // The page parses with JSON.parse: plain UTF-8, no needless escapes of "+" in offsets.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>days.bin's plaintext.</summary>
    public static byte[] Serialize(ViewerIndex index) => JsonSerializer.SerializeToUtf8Bytes(index, Options);

    /// <summary>A day document's plaintext.</summary>
    public static byte[] Serialize(ViewerDay day) => JsonSerializer.SerializeToUtf8Bytes(day, Options);

    /// <summary>Reads days.bin's plaintext; throws <see cref="JsonException"/> when it is not one.</summary>
    public static ViewerIndex DeserializeIndex(ReadOnlySpan<byte> utf8Json)
    {
        var index = Check(JsonSerializer.Deserialize<ViewerIndex>(utf8Json, Options), i => i.Version);
        return index.Days is null ? throw new JsonException("days is missing") : index;
    }

    /// <summary>Reads a day document's plaintext; throws <see cref="JsonException"/> when it is not one.</summary>
    public static ViewerDay DeserializeDay(ReadOnlySpan<byte> utf8Json)
    {
        var day = Check(JsonSerializer.Deserialize<ViewerDay>(utf8Json, Options), d => d.Version);
        return day.Segments is null ? throw new JsonException("segments is missing") : day;
    }

    private static T Check<T>(T? document, Func<T, int> version) where T : class
    {
        if (document is null) throw new JsonException("the document is null");
        var v = version(document);
        return v == ViewerIndex.CurrentVersion ? document : throw new JsonException($"unknown index version {v}");
    }
}
