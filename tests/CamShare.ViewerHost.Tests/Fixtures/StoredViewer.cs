using CamShare.Viewer;

namespace CamShare.ViewerHost.Tests.Fixtures;

/// <summary>What the storage's camera folder holds for the viewer, decrypted with the viewing key.</summary>
internal static class StoredViewer
{
    public static ViewerIndex Index(string cameraFolder, byte[] key) =>
        ViewerJson.DeserializeIndex(RcloneCryptFormat.Decrypt(File.ReadAllBytes(Path.Combine(cameraFolder, ViewerPaths.DaysObject)), key));

    /// <summary>Every listed segment of every listed day, in order.</summary>
    public static List<ViewerSegment> Segments(string cameraFolder, byte[] key) =>
        Index(cameraFolder, key).Days.SelectMany(day => ViewerJson.DeserializeDay(
            RcloneCryptFormat.Decrypt(File.ReadAllBytes(Path.Combine(cameraFolder, ViewerPaths.DayObject(day))), key)).Segments).ToList();

    /// <summary>The stored segment objects below the camera folder (paths relative to it, '/'-separated).</summary>
    public static List<string> StoredSegments(string cameraFolder, string suffix) =>
        Directory.EnumerateFiles(cameraFolder, "*" + suffix, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(cameraFolder, f).Replace('\\', '/'))
            .Where(p => !p.StartsWith(ViewerPaths.IndexFolder + "/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
}
