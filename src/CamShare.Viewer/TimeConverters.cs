using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CamShare.Viewer;

/// <summary>A local time with its offset, to the second: <c>2024-03-23T10:20:00-05:00</c> (the page reads the
/// camera's own clock from it).</summary>
internal sealed class OffsetTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString() ?? throw new JsonException("a time is null"), CultureInfo.InvariantCulture,
            DateTimeStyles.None);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
}

/// <summary>A UTC instant to the second with a Z: <c>2024-03-23T10:25:03Z</c>.</summary>
internal sealed class UtcSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString() ?? throw new JsonException("a time is null"), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
}
