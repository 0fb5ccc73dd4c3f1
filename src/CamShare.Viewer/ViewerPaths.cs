namespace CamShare.Viewer;

/// <summary>
/// Where the viewer expects things, relative to the camera's folder (the folder that holds view.html): the
/// index objects, encrypted in rclone's crypt format with the viewing key, whatever the storage's own naming.
/// </summary>
public static class ViewerPaths
{
    /// <summary>The folder of the index objects.</summary>
    public const string IndexFolder = "camshare-index";

    /// <summary>The list of days (<see cref="ViewerIndex"/>).</summary>
    public const string DaysObject = IndexFolder + "/days.bin";

    /// <summary>The format of a day's name, camera-local: <c>20240323</c>.</summary>
    public const string DayFormat = "yyyyMMdd";

    /// <summary>One day's segments (<see cref="ViewerDay"/>), e.g. <c>camshare-index/20240323.bin</c>.</summary>
    public static string DayObject(string day) => $"{IndexFolder}/{day}.bin";
}
