namespace CamShare.Storage.Rclone;

/// <summary>Finds the rclone binary the way a shell would.</summary>
internal static class RcloneBinary
{
    /// <summary>The full path of <paramref name="pathOrName"/>, or null when it cannot be found.</summary>
    public static string? Resolve(string pathOrName)
    {
        if (string.IsNullOrWhiteSpace(pathOrName)) return null;
        if (pathOrName.Contains('/') || pathOrName.Contains('\\'))
            return File.Exists(pathOrName) ? Path.GetFullPath(pathOrName) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, pathOrName);
            if (File.Exists(candidate)) return candidate;
            if (OperatingSystem.IsWindows() && File.Exists(candidate + ".exe")) return candidate + ".exe";
        }
        return null;
    }
}
