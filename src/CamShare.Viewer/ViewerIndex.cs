using System.Text.Json.Serialization;

namespace CamShare.Viewer;

/// <summary>
/// <c>camshare-index/days.bin</c>: which days have recordings, e.g.
/// <c>{"v":1,"camera":"porch","segmentSeconds":300,"updated":"2024-03-23T10:25:03Z","days":["20240322","20240323"]}</c>.
/// <paramref name="Updated"/> is written in UTC to the second.
/// </summary>
public sealed record ViewerIndex(
    [property: JsonPropertyName("camera")] string Camera,
    [property: JsonPropertyName("segmentSeconds")] int SegmentSeconds,
    [property: JsonPropertyName("updated"), JsonConverter(typeof(UtcSecondsConverter))] DateTimeOffset Updated,
    [property: JsonPropertyName("days")] IReadOnlyList<string> Days,
    [property: JsonPropertyName("v"), JsonPropertyOrder(-1)] int Version = ViewerIndex.CurrentVersion)
{
    /// <summary>The format version this assembly writes and the page reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>This index with <paramref name="day"/> listed (sorted, once) and a new update time.</summary>
    public ViewerIndex WithDay(string day, DateTimeOffset updated) => this with
    {
        Days = Days.Append(day).Distinct().Order(StringComparer.Ordinal).ToList(),
        Updated = updated,
    };
}
