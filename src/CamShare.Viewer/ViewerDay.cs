using System.Text.Json.Serialization;

namespace CamShare.Viewer;

/// <summary>
/// <c>camshare-index/&lt;yyyyMMdd&gt;.bin</c>: one camera-local day's verified segments, in time order.
/// </summary>
public sealed record ViewerDay(
    [property: JsonPropertyName("day")] string Day,
    [property: JsonPropertyName("segments")] IReadOnlyList<ViewerSegment> Segments,
    [property: JsonPropertyName("v"), JsonPropertyOrder(-1)] int Version = ViewerIndex.CurrentVersion)
{
    /// <summary>This day with <paramref name="segment"/> in time order (replacing one with the same path).</summary>
    public ViewerDay WithSegment(ViewerSegment segment) => this with
    {
        Segments = Segments.Where(s => s.Path != segment.Path).Append(segment).OrderBy(s => s.Start).ToList(),
    };

    /// <summary>The day's name for a camera-local time: <c>20240323</c>.</summary>
    public static string NameOf(DateTimeOffset localStart) =>
        localStart.ToString(ViewerPaths.DayFormat, System.Globalization.CultureInfo.InvariantCulture);
}
