using CamShare.Core.Retention;
using Xunit;

namespace CamShare.Retention.Tests;

/// <summary>Which keys are CamShare's own segments: by template, camera and exact file name.</summary>
public sealed class RecognizerTests
{
    private static readonly SegmentKeyRecognizer Default = new("{camera}/{yyyyMMdd}/{HH}/{file}", ["porch", "garage"]);

    [Theory]
    [InlineData("porch/20240323/10/20240323T102000-0500.mp4", "porch")]
    [InlineData("garage/20240323/23/20240323T235959+0100.mp4", "garage")]
    [InlineData("garage/20240323/10/20240323T102000+0545.mp4", "garage")]
    public void Keys_the_template_renders_for_a_configured_camera_are_recognised(string key, string camera)
    {
        Assert.True(Default.TryRecognize(key, out var found, out var start));
        Assert.Equal(camera, found);
        Assert.Equal(key[^24..^4], start.ToString("yyyyMMdd'T'HHmmsszzz", System.Globalization.CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("porch/20240323/11/20240323T102000-0500.mp4")]   // another hour's folder
    [InlineData("porch/20240324/10/20240323T102000-0500.mp4")]   // another day's folder
    [InlineData("shed/20240323/10/20240323T102000-0500.mp4")]    // not a configured camera
    [InlineData("Porch/20240323/10/20240323T102000-0500.mp4")]   // camera names are exact
    [InlineData("porch/20240323/10/20240323T102000-0500.MP4")]
    [InlineData("porch/20240323/10/20240323T102000-0500.mp4.bak")]
    [InlineData("porch/20240323/10/x20240323T102000-0500.mp4")]
    [InlineData("porch/20240323/10/20240323T102000-05:00.mp4")]
    [InlineData("porch/20240323/10/20240323T102000Z.mp4")]
    [InlineData("porch/20240323/10/20240323T252000-0500.mp4")]   // no such time
    [InlineData("porch/20240323/10/20240323T102000-2500.mp4")]   // no such offset
    [InlineData("porch/misc/20240323T102000-0500.mp4")]
    [InlineData("porch/20240323/10/sub/20240323T102000-0500.mp4")]
    [InlineData("archive/porch/20240323/10/20240323T102000-0500.mp4")]
    [InlineData("20240323T102000-0500.mp4")]
    [InlineData("porch/20240323/10/notes.txt")]
    public void Anything_else_is_not_ours(string key) => Assert.False(Default.TryRecognize(key, out _, out _));

    [Fact]
    public void Another_template_is_followed_exactly()
    {
        var flat = new SegmentKeyRecognizer("cams/{camera}-{yyyy}/{file}", ["porch"]);
        Assert.True(flat.TryRecognize("cams/porch-2024/20240323T102000-0500.mp4", out _, out _));
        Assert.False(flat.TryRecognize("cams/porch-2023/20240323T102000-0500.mp4", out _, out _));
        Assert.False(flat.TryRecognize("porch/20240323/10/20240323T102000-0500.mp4", out _, out _));
        Assert.Equal(["cams/porch-"], flat.ListPrefixes());
        Assert.Equal([1], flat.RemovableFolderDepths);
    }

    [Fact]
    public void Listings_are_narrowed_to_the_cameras_prefixes_and_date_folders_are_the_removable_ones()
    {
        Assert.Equal(["garage/", "porch/"], Default.ListPrefixes());
        Assert.Equal([1, 2], Default.RemovableFolderDepths.Order());
        Assert.Equal([""], new SegmentKeyRecognizer("{yyyy}/{camera}/{file}", ["a", "b"]).ListPrefixes());
        Assert.Equal(["cam"], new SegmentKeyRecognizer("{camera}{file}", ["cam", "cam2"]).ListPrefixes());
    }
}
