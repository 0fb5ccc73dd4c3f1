using System.Globalization;

namespace CamShare.Viewer.Tests.Fixtures;

/// <summary>
/// A camera folder as the host publishes it, served over HTTP: <c>porch/view.html</c> (the embedded page),
/// real ffmpeg segments and the index documents, all encrypted by the real rclone (crypt, names off). Objects
/// are encrypted into a staging folder and renamed into place, as the host replaces them atomically.
/// One day has a gap (09:00:10 → 10:00:00 → 11:00:00); the 10:00:00 segment is tampered with after encryption.
/// </summary>
public sealed class ViewerSite : IAsyncLifetime
{
    public const string Camera = "porch";
    public const string Day = "20240323";
    public const string EarlierDay = "20240322";
    public const string Password = "viewer test pässword";
    private static readonly TimeSpan Offset = TimeSpan.FromHours(-5);

    private readonly string _base = Directory.CreateTempSubdirectory("camshare-viewer-").FullName;
    private readonly Dictionary<string, List<ViewerSegment>> _days = [];
    private RcloneCrypt? _staging;
    private LoggingStaticServer? _server;

    /// <summary>Where each segment's plaintext is, by its start time text ("2024-03-23T09:00:00-05:00").</summary>
    public Dictionary<string, string> Plaintext { get; } = [];

    public string CameraFolder => Path.Combine(_base, "site", Camera);
    public byte[] DataKey => _staging!.DataKey;
    internal RcloneCrypt Rclone => _staging!;
    internal LoggingStaticServer Server => _server!;
    public Uri Origin => Server.Origin;
    public Uri CameraUrl => new(Origin, Camera + "/");
    public string ServerLog => Server.Log;
    public string Codecs { get; private set; } = "";

    public IReadOnlyList<ViewerSegment> Segments(string day) => _days[day];

    /// <summary>The start times of the fixture's segments, oldest first, as the index lists them.</summary>
    public static readonly string[] InitialTimes =
    [
        "2024-03-23T09:00:00", "2024-03-23T09:00:05", "2024-03-23T09:00:10", "2024-03-23T10:00:00",
        "2024-03-23T11:00:00", "2024-03-23T11:00:05",
    ];

    public const string TamperedTime = "2024-03-23T10:00:00-05:00";
    public const string LiveTime = "2024-03-23T11:00:10-05:00";
    public const string EarlierDayTime = "2024-03-22T22:00:00-05:00";

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(CameraFolder);
        _staging = await RcloneCrypt.CreateAsync(Path.Combine(_base, "staging"), Password);
        await File.WriteAllBytesAsync(Path.Combine(CameraFolder, ViewerPage.FileName), ViewerPage.Bytes.ToArray());
        var hue = 0;
        await AddSegmentAsync(Parse("2024-03-22T22:00:00"), hue += 40);
        foreach (var time in InitialTimes) await AddSegmentAsync(Parse(time), hue += 40);
        Tamper(TamperedTime);
        await PublishIndexAsync();
        await PublishHevcCameraAsync();
        await PublishWriterCameraAsync();
        Directory.CreateDirectory(Path.Combine(_base, "site", EmptyCamera));
        await File.WriteAllBytesAsync(Path.Combine(_base, "site", EmptyCamera, ViewerPage.FileName), ViewerPage.Bytes.ToArray());
        _server = await LoggingStaticServer.StartAsync(Path.Combine(_base, "site"));
    }

    /// <summary>The host uploads one more verified segment and then the updated index (near-live).</summary>
    public async Task AppendLiveSegmentAsync()
    {
        await AddSegmentAsync(Parse("2024-03-23T11:00:10"), 300);
        await PublishIndexAsync();
    }

    public Uri Link(ReadOnlySpan<byte> key) => ShareLink.Build(CameraUrl, key);

    /// <summary>A second camera folder whose one segment is H.265.</summary>
    public const string HevcCamera = "garage";

    public string HevcCodecs { get; private set; } = "";

    public Uri HevcLink(ReadOnlySpan<byte> key) => ShareLink.Build(new Uri(Origin, HevcCamera + "/"), key);

    private async Task PublishHevcCameraAsync()
    {
        var folder = Path.Combine(_base, "site", HevcCamera);
        var crypt = await RcloneCrypt.CreateAsync(Path.Combine(_base, "staging-" + HevcCamera), Password);
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, ViewerPage.FileName), ViewerPage.Bytes.ToArray());
        var plain = Path.Combine(_base, "plain-" + HevcCamera);
        var start = Parse("2024-03-23T08:00:00");
        var relative = "20240323/08/20240323T080000-0500.mp4";
        await Footage.MakeHevcSegmentAsync(Path.Combine(plain, relative));
        HevcCodecs = MseCodecs.FromFfprobeJson(await Footage.ProbeAsync(Path.Combine(plain, relative)));
        var day = new ViewerDay(Day, [new ViewerSegment(start, 2, relative + ".bin", 0, HevcCodecs)]);
        await crypt.PutAsync(Path.Combine(plain, relative), relative);
        day = day with { Segments = [day.Segments[0] with { StoredSize = new FileInfo(Path.Combine(crypt.EncryptedRoot, relative + ".bin")).Length }] };
        await File.WriteAllBytesAsync(Path.Combine(plain, "day"), ViewerJson.Serialize(day));
        await crypt.PutAsync(Path.Combine(plain, "day"), $"camshare-index/{Day}");
        await File.WriteAllBytesAsync(Path.Combine(plain, "days"),
            ViewerJson.Serialize(new ViewerIndex(HevcCamera, 2, DateTimeOffset.UtcNow, [Day])));
        await crypt.PutAsync(Path.Combine(plain, "days"), "camshare-index/days");
        CopyTree(crypt.EncryptedRoot, folder);
    }

    /// <summary>A camera folder with the page and nothing published yet.</summary>
    public const string EmptyCamera = "shed";

    /// <summary>A third camera whose index the product's ViewerIndexWriter wrote (segments still by rclone).</summary>
    public const string WriterCamera = "yard";

    public Uri WriterLink(ReadOnlySpan<byte> key) => ShareLink.Build(new Uri(Origin, WriterCamera + "/"), key);

    public string WriterSegmentTime { get; } = "2024-03-23T12:00:00-05:00";

    private async Task PublishWriterCameraAsync()
    {
        var folder = Path.Combine(_base, "site", WriterCamera);
        var crypt = await RcloneCrypt.CreateAsync(Path.Combine(_base, "staging-" + WriterCamera), Password);
        var relative = "20240323/12/20240323T120000-0500.mp4";
        var plain = Path.Combine(_base, "plain-" + WriterCamera, relative);
        await Footage.MakeSegmentAsync(plain, 200);
        await crypt.PutAsync(plain, relative);
        CopyTree(crypt.EncryptedRoot, folder);
        var stored = new FileInfo(Path.Combine(folder, relative + ".bin")).Length;
        var writer = new ViewerIndexWriter(WriterCamera, Footage.Seconds, crypt.DataKey, new FolderObjectStore(folder));
        await writer.PublishPageAsync(CancellationToken.None);
        await writer.AddSegmentAsync(new ViewerSegment(Parse("2024-03-23T12:00:00"), Footage.Seconds, relative + ".bin", stored,
            MseCodecs.FromFfprobeJson(await Footage.ProbeAsync(plain))), CancellationToken.None);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private static DateTimeOffset Parse(string local) =>
        new(DateTime.ParseExact(local, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), Offset);

    private async Task AddSegmentAsync(DateTimeOffset start, int hue)
    {
        var day = ViewerDay.NameOf(start);
        var name = start.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) + "-0500.mp4";
        var relative = $"{day}/{start:HH}/{name}";
        var plain = Path.Combine(_base, "plain", relative);
        await Footage.MakeSegmentAsync(plain, hue);
        Codecs = MseCodecs.FromFfprobeJson(await Footage.ProbeAsync(plain));
        var stored = await PutAsync(plain, relative);
        var key = start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        Plaintext[key] = plain;
        if (!_days.TryGetValue(day, out var list)) _days[day] = list = [];
        list.Add(new ViewerSegment(start, Footage.Seconds, stored, new FileInfo(Path.Combine(CameraFolder, stored)).Length, Codecs));
    }

    private async Task PublishIndexAsync()
    {
        var plainIndex = Path.Combine(_base, "plain", "camshare-index");
        Directory.CreateDirectory(plainIndex);
        foreach (var (day, segments) in _days)
        {
            var file = Path.Combine(plainIndex, day);
            await File.WriteAllBytesAsync(file, ViewerJson.Serialize(new ViewerDay(day, segments)));
            await PutAsync(file, $"camshare-index/{day}");
        }
        var days = Path.Combine(plainIndex, "days");
        var index = new ViewerIndex(Camera, Footage.Seconds, DateTimeOffset.UtcNow, _days.Keys.Order().ToList());
        await File.WriteAllBytesAsync(days, ViewerJson.Serialize(index));
        await PutAsync(days, "camshare-index/days");
    }

    /// <summary>Encrypts with rclone into staging, then renames into the served folder; returns the stored path.</summary>
    private async Task<string> PutAsync(string localFile, string remotePath)
    {
        await _staging!.PutAsync(localFile, remotePath);
        var stored = remotePath + ".bin";
        var target = Path.Combine(CameraFolder, stored);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(Path.Combine(_staging.EncryptedRoot, stored), target, overwrite: true);
        return stored;
    }

    private void Tamper(string time)
    {
        var segment = _days[Day].Single(s => s.Start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) == time);
        var path = Path.Combine(CameraFolder, segment.Path);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01; // one bit in the middle of the ciphertext; the size stays the same
        File.WriteAllBytes(path, bytes);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        try { Directory.Delete(_base, recursive: true); } catch (IOException) { }
    }
}
