using System.Text;
using System.Text.Json;

namespace CamShare.Viewer.Tests.Unit;

/// <summary>The index documents byte for byte as docs/viewer.md specifies them.</summary>
public sealed class ViewerJsonTests
{
    private const string DaysJson =
        """{"v":1,"camera":"porch","segmentSeconds":300,"updated":"2024-03-23T10:25:03Z","days":["20240322","20240323"]}""";

    private const string DayJson =
        """{"v":1,"day":"20240323","segments":[{"t":"2024-03-23T10:20:00-05:00","d":300.03,"p":"20240323/10/20240323T102000-0500.mp4.bin","s":1234567,"c":"avc1.42E01E, mp4a.40.2"}]}""";

    [Fact]
    public void Writes_days_exactly_as_specified()
    {
        var index = new ViewerIndex("porch", 300, new DateTimeOffset(2024, 3, 23, 5, 25, 3, TimeSpan.FromHours(-5)), ["20240322", "20240323"]);
        Assert.Equal(DaysJson, Encoding.UTF8.GetString(ViewerJson.Serialize(index)));
    }

    [Fact]
    public void Writes_a_day_exactly_as_specified_with_the_camera_local_offset()
    {
        var segment = new ViewerSegment(new DateTimeOffset(2024, 3, 23, 10, 20, 0, TimeSpan.FromHours(-5)), 300.03,
            "20240323/10/20240323T102000-0500.mp4.bin", 1234567, "avc1.42E01E, mp4a.40.2");
        Assert.Equal(DayJson, Encoding.UTF8.GetString(ViewerJson.Serialize(new ViewerDay("20240323", [segment]))));
    }

    [Fact]
    public void Reads_back_what_it_writes()
    {
        var index = ViewerJson.DeserializeIndex(Encoding.UTF8.GetBytes(DaysJson));
        Assert.Equal(("porch", 300, 1), (index.Camera, index.SegmentSeconds, index.Version));
        Assert.Equal(new DateTimeOffset(2024, 3, 23, 10, 25, 3, TimeSpan.Zero), index.Updated);
        Assert.Equal(["20240322", "20240323"], index.Days);

        var day = ViewerJson.DeserializeDay(Encoding.UTF8.GetBytes(DayJson));
        var segment = Assert.Single(day.Segments);
        Assert.Equal(TimeSpan.FromHours(-5), segment.Start.Offset);
        Assert.Equal(DayJson, Encoding.UTF8.GetString(ViewerJson.Serialize(day)));
    }

    [Fact]
    public void Keeps_a_plus_offset_readable_for_the_page()
    {
        var segment = new ViewerSegment(new DateTimeOffset(2024, 3, 23, 10, 20, 0, TimeSpan.FromHours(5.5)), 300, "a+b.bin", 32, "opus");
        var json = Encoding.UTF8.GetString(ViewerJson.Serialize(new ViewerDay("20240323", [segment])));
        Assert.Contains("\"t\":\"2024-03-23T10:20:00+05:30\"", json);
        Assert.Contains("\"p\":\"a+b.bin\"", json);
    }

    [Theory]
    [InlineData("""{"v":2,"camera":"porch","segmentSeconds":300,"updated":"2024-03-23T10:25:03Z","days":[]}""")]
    [InlineData("""{"v":1,"camera":"porch","segmentSeconds":300,"updated":"2024-03-23T10:25:03Z"}""")]
    [InlineData("null")]
    public void Refuses_an_unknown_version_or_a_missing_list(string json)
    {
        Assert.ThrowsAny<JsonException>(() => ViewerJson.DeserializeIndex(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Names_days_and_index_objects()
    {
        Assert.Equal("20240323", ViewerDay.NameOf(new DateTimeOffset(2024, 3, 23, 23, 59, 59, TimeSpan.FromHours(-5))));
        Assert.Equal("camshare-index/days.bin", ViewerPaths.DaysObject);
        Assert.Equal("camshare-index/20240323.bin", ViewerPaths.DayObject("20240323"));
    }
}

public sealed class ViewerIndexUpdateTests
{
    private static ViewerSegment At(int minute, string path) =>
        new(new DateTimeOffset(2024, 3, 23, 10, minute, 0, TimeSpan.FromHours(-5)), 300, path, 100, "avc1.42E01E");

    [Fact]
    public void A_segment_goes_in_time_order_and_replaces_one_with_its_path()
    {
        var day = new ViewerDay("20240323", [At(0, "a"), At(10, "c")]);
        day = day.WithSegment(At(5, "b")).WithSegment(At(10, "c") with { StoredSize = 200 });
        Assert.Equal(["a", "b", "c"], day.Segments.Select(s => s.Path));
        Assert.Equal(200, day.Segments[^1].StoredSize);
    }

    [Fact]
    public void A_day_is_listed_once_in_order()
    {
        var updated = DateTimeOffset.UnixEpoch.AddDays(1);
        var index = new ViewerIndex("porch", 300, DateTimeOffset.UnixEpoch, ["20240323"]).WithDay("20240322", updated).WithDay("20240323", updated);
        Assert.Equal(["20240322", "20240323"], index.Days);
        Assert.Equal(updated, index.Updated);
    }
}
