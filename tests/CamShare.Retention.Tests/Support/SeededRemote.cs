using System.Globalization;
using CamShare.Abstractions;

namespace CamShare.Retention.Tests.Support;

/// <summary>One synthetic segment object as the recorder and the default key template would name it.</summary>
public sealed record SeededSegment(string Key, string Camera, DateTimeOffset Start, long Size);

/// <summary>
/// A month of small segment objects for two cameras (one behind UTC, one ahead, so keys carry '-' and '+'), named
/// exactly as CamShare names them under <c>{camera}/{yyyyMMdd}/{HH}/{file}</c>, plus foreign objects retention
/// must never touch: other names in its folders, other prefixes, a segment-like name outside the template's
/// folders, a segment of an unconfigured camera, and temporaries.
/// </summary>
public sealed class SeededRemote
{
    public const string Template = "{camera}/{yyyyMMdd}/{HH}/{file}";
    public static readonly string[] Cameras = ["porch", "garage"];

    /// <summary>The clock every test prunes at.</summary>
    public static readonly DateTimeOffset Now = new(2024, 4, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, (TimeSpan Offset, TimeSpan Shift)> CameraClocks = new()
    {
        ["porch"] = (TimeSpan.FromHours(-5), TimeSpan.Zero),
        ["garage"] = (TimeSpan.FromHours(1), TimeSpan.FromMinutes(37)),
    };

    private SeededRemote(List<SeededSegment> segments, List<string> foreign, string foreignFolder)
    {
        Segments = segments;
        Foreign = foreign;
        FolderWithForeignFile = foreignFolder;
    }

    /// <summary>Every segment object, oldest first.</summary>
    public IReadOnlyList<SeededSegment> Segments { get; }

    /// <summary>Every object that is not one of CamShare's segments (temporaries included).</summary>
    public IReadOnlyList<string> Foreign { get; }

    /// <summary>An hour folder of old segments that also holds a foreign file (so it must stay).</summary>
    public string FolderWithForeignFile { get; }

    public IEnumerable<string> AllKeys => Segments.Select(s => s.Key).Concat(Foreign);

    public long SegmentBytes => Segments.Sum(s => s.Size);

    /// <summary>Segment starts every 6 hours for 31 days back from <see cref="Now"/>, per camera.</summary>
    public static List<SeededSegment> Plan(int days = 31, int perDay = 4, DateTimeOffset? now = null)
    {
        var segments = new List<SeededSegment>();
        foreach (var camera in Cameras)
        {
            var (offset, shift) = CameraClocks[camera];
            for (var i = 1; i <= days * perDay; i++)
            {
                var start = ((now ?? Now) - TimeSpan.FromHours(24.0 / perDay * i) - shift).ToOffset(offset);
                start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond));
                var name = FileName(start);
                var key = $"{camera}/{start:yyyyMMdd}/{start:HH}/{name}";
                segments.Add(new SeededSegment(key, camera, start, 200 + (i * 37 % 11) * 50));
            }
        }
        return segments.OrderBy(s => s.Start.UtcTicks).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>The recorder's file name: local start time and its UTC offset (written here by hand, on purpose).</summary>
    public static string FileName(DateTimeOffset start)
    {
        var sign = start.Offset < TimeSpan.Zero ? "-" : "+";
        var offset = start.Offset.Duration();
        return start.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) + sign +
               offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture) + ".mp4";
    }

    public static async Task<SeededRemote> SeedAsync(IStorageProvider storage, int days = 31, int perDay = 4, DateTimeOffset? now = null)
    {
        var segments = Plan(days, perDay, now);
        var oldest = segments.First(s => s.Camera == "porch");
        var oldestFolder = StorageKeys.ParentOf(oldest.Key);
        var oldestName = StorageKeys.NameOf(oldest.Key);
        var wrongHour = $"{oldest.Start.AddHours(1):HH}";
        var foreign = new List<string>
        {
            $"{oldestFolder}/notes.txt",                                             // another name in our folder
            $"{oldestFolder}/{oldestName}.bak",                                       // our name with more after it
            $"{oldestFolder}/{oldestName[..^4]}.MP4",                                  // another extension
            "backups/db.sql",                                                         // another prefix
            $"porch-archive/{oldest.Key}",                                            // our key under another prefix
            $"porch/misc/{oldestName}",                                               // segment-like outside the template's folders
            $"porch/{oldest.Start:yyyyMMdd}/{wrongHour}/{oldestName}",                // the folder of another hour
            $"shed/{oldest.Start:yyyyMMdd}/{oldest.Start:HH}/{oldestName}",            // a camera that is not configured
            oldestName,                                                               // at the top
            StorageKeys.TemporaryKeyFor(oldest.Key, Now.AddDays(-40)),                 // a temporary (the pipeline's to sweep)
        };
        foreach (var segment in segments) await PutAsync(storage, segment.Key, segment.Size);
        foreach (var key in foreign) await PutAsync(storage, key, 64);
        return new SeededRemote(segments, foreign, oldestFolder);
    }

    /// <summary>Every key the storage holds now.</summary>
    public static async Task<SortedSet<string>> KeysAsync(IStorageProvider storage)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var item in storage.ListAsync("", Timeout())) keys.Add(item.Key);
        return keys;
    }

    public static SortedSet<string> Sorted(IEnumerable<string> keys) => new(keys, StringComparer.Ordinal);

    public static CancellationToken Timeout(int seconds = 300) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static async Task PutAsync(IStorageProvider storage, string key, long size)
    {
        var bytes = new byte[size];
        new Random(key.GetHashCode(StringComparison.Ordinal)).NextBytes(bytes);
        await storage.PutAsync(key, UploadSource.FromStream(size, _ => ValueTask.FromResult<Stream>(new MemoryStream(bytes))), null, Timeout());
    }
}
