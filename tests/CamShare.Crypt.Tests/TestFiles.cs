using System.Security.Cryptography;

namespace CamShare.Crypt.Tests;

/// <summary>The sizes the format's edges sit on, as plain files in a small folder tree.</summary>
internal static class TestFiles
{
    public static readonly int[] Sizes = [0, 1, 65536, 65537, 1024 * 1024 + 3];

    /// <summary>Plain relative path → content; nested folders, a space and non-ASCII letters in names.</summary>
    public static Dictionary<string, byte[]> Create() => Sizes.ToDictionary(
        size => size switch
        {
            0 => "porch/20261202/16/empty file.mp4",
            1 => "porch/20261202/16/one-byte.mp4",
            65536 => "porch/20261202/17/exactly-64KiB.mp4",
            65537 => "garage/20261203/00/64KiB+1 Gäste.mp4",
            _ => "top-level-multi-block.mp4",
        },
        RandomNumberGenerator.GetBytes);

    public static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    public static void Write(string root, Dictionary<string, byte[]> files)
    {
        foreach (var (path, bytes) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }
    }

    /// <summary>Every file under <paramref name="root"/> by '/'-separated relative path.</summary>
    public static List<string> RelativeFiles(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
}
