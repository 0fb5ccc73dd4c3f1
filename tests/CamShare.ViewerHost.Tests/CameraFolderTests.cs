using CamShare.Core.Publishing;

namespace CamShare.ViewerHost.Tests;

/// <summary>Where a camera's viewer lives for a key template, and how a stored key splits around it.</summary>
public sealed class CameraFolderTests
{
    [Theory]
    [InlineData("{camera}/{yyyyMMdd}/{HH}/{file}", 1)]
    [InlineData("cams/{camera}/{yyyyMMdd}/{file}", 2)]
    [InlineData("cams/cam-{camera}/{file}", 2)]
    [InlineData("{yyyyMMdd}/{camera}/{file}", null)]
    [InlineData("{camera}-{file}", null)]
    [InlineData("all/{file}", null)]
    public void The_camera_folder_is_the_leading_folders_up_to_camera(string template, int? segments) =>
        Assert.Equal(segments, CameraFolder.SegmentsIn(template));

    [Fact]
    public void A_stored_key_splits_into_the_stored_camera_folder_and_the_path_below_it()
    {
        Assert.Equal("cams/porch", CameraFolder.Plain("cams/{camera}/{yyyyMMdd}/{file}", "porch", 2));
        Assert.Equal(("p0rch3nc", "d4y/h0ur/f1le.bin"), CameraFolder.Split("p0rch3nc/d4y/h0ur/f1le.bin", 1));
        Assert.Throws<ArgumentException>(() => CameraFolder.Split("porch", 1));
    }
}
