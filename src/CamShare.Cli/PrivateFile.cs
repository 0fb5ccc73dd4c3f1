namespace CamShare.Cli;

/// <summary>Writes a file only its owner can read (0600, folder 0700), replacing it atomically.</summary>
internal static class PrivateFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Write(string path, string text)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("private files are written with Unix permissions");
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder, OwnerReadWrite | UnixFileMode.UserExecute);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        // Created with 0600 from the start: never readable by others, not even for a moment.
        using (var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = OwnerReadWrite }))
        using (var writer = new StreamWriter(stream))
            writer.Write(text);
        File.SetUnixFileMode(temporary, OwnerReadWrite); // an existing temporary keeps its mode on create
        File.Move(temporary, path, overwrite: true);
    }
}
