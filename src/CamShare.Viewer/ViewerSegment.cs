using System.Text.Json.Serialization;

namespace CamShare.Viewer;

/// <summary>
/// One verified segment in a day's index. <paramref name="Start"/> is the camera-local start with its UTC offset
/// (<c>2024-03-23T10:20:00-05:00</c>); <paramref name="Duration"/> in seconds; <paramref name="Path"/> the
/// object's path relative to the camera folder as stored (already encrypted names, if names are encrypted);
/// <paramref name="StoredSize"/> the stored (encrypted) size in bytes; <paramref name="Codecs"/> the MSE codecs
/// string (<see cref="MseCodecs"/>), e.g. <c>avc1.42E01E, mp4a.40.2</c>.
/// </summary>
public sealed record ViewerSegment(
    [property: JsonPropertyName("t"), JsonConverter(typeof(OffsetTimeConverter))] DateTimeOffset Start,
    [property: JsonPropertyName("d")] double Duration,
    [property: JsonPropertyName("p")] string Path,
    [property: JsonPropertyName("s")] long StoredSize,
    [property: JsonPropertyName("c")] string Codecs);
