using CamShare.Abstractions;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CamShare.Testing;
using Xunit;

namespace CamShare.Storage.Rclone.Tests.EndToEnd;

/// <summary>The end-to-end tests run one after the other: each records a real camera in real time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "camera to rclone end to end";
}

/// <summary>
/// What one end-to-end test owns: a unique root folder, the camera (digest auth, a password full of URL characters),
/// the spool, and the camshare config file it writes there.
/// </summary>
internal sealed partial class EndToEndSetup : IAsyncDisposable
{
    public const string Camera = "cam1";
    public const string User = "admin";
    public const string PasswordVariable = "CAM1_PASSWORD";

    /// <summary>A secret handed to rclone through the storage's "environment" (harmless: the configs are not encrypted).</summary>
    public const string ConfigPassVariable = "RCLONE_CONFIG_PASS";

    private EndToEndSetup(string root, RtspCamera camera, string password, string rcloneSecret)
    {
        Root = root;
        CameraSim = camera;
        Password = password;
        RcloneSecret = rcloneSecret;
    }

    public string Root { get; }
    public RtspCamera CameraSim { get; }
    public string Password { get; }
    public string RcloneSecret { get; }
    public string Spool => Path.Combine(Root, "spool");
    public string RecFolder => Path.Combine(Spool, Camera, "rec");
    public string ConfigFile => Path.Combine(Root, "camshare.json");

    public static async Task<EndToEndSetup> CreateAsync()
    {
        var root = Directory.CreateTempSubdirectory("camshare-e2e-rclone-").FullName;
        var tag = Guid.NewGuid().ToString("N")[..8];
        var password = $"p:a@s/s%{tag}";
        var camera = await RtspCamera.StartAsync(User, password);
        return new EndToEndSetup(root, camera, password, $"rc:s@c/r%{tag}et");
    }

    /// <summary>One storage entry of the camshare config, from the rclone fixture's options.</summary>
    public JsonObject Storage(string name, RcloneStorageOptions options)
    {
        var environment = new JsonObject();
        foreach (var (key, value) in options.Environment) environment[key] = value;
        environment[ConfigPassVariable] = RcloneSecret;
        var storage = new JsonObject
        {
            ["name"] = name,
            ["provider"] = "rclone",
            ["remote"] = options.Remote,
            ["configPath"] = options.ConfigPath,
            ["environment"] = environment,
            ["operationTimeoutSeconds"] = 120,
        };
        if (options.ExtraFlags.Length > 0) storage["extraFlags"] = new JsonArray([.. options.ExtraFlags.Select(f => (JsonNode?)f)]);
        if (options.BandwidthLimit is not null) storage["bandwidthLimit"] = options.BandwidthLimit;
        return storage;
    }

    /// <summary>Writes the config: the camera (3-second segments) recording to every storage given.</summary>
    public string WriteConfig(params JsonObject[] storages)
    {
        var config = new JsonObject
        {
            ["cameras"] = new JsonArray(new JsonObject
            {
                ["name"] = Camera,
                ["url"] = CameraSim.Url,
                ["username"] = User,
                ["passwordEnv"] = PasswordVariable,
                ["segmentSeconds"] = 3,
                ["destinations"] = new JsonArray([.. storages.Select(s => (JsonNode?)s["name"]!.GetValue<string>())]),
            }),
            ["storages"] = new JsonArray([.. storages.Select(s => (JsonNode?)s.DeepClone())]),
            ["spool"] = new JsonObject { ["path"] = Spool },
        };
        File.WriteAllText(ConfigFile, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return ConfigFile;
    }

    public Dictionary<string, string?> Environment => new() { [PasswordVariable] = Password };

    public CamshareRun StartCamshare() => CamshareRun.Start(ConfigFile, Environment);

    /// <summary>No secret in what camshare printed: the RTSP password (plain and percent-encoded), the rclone secret.</summary>
    public void AssertNoSecrets(string output, params string[] more)
    {
        Assert.DoesNotContain(Password, output);
        Assert.DoesNotContain(Uri.EscapeDataString(Password), output);
        Assert.DoesNotContain(RcloneSecret, output);
        Assert.DoesNotContain(Uri.EscapeDataString(RcloneSecret), output);
        foreach (var secret in more) Assert.DoesNotContain(secret, output);
    }

    /// <summary>The rclone plugin was loaded from artifacts/plugins like a third party's: no "plugin not loaded" about it.</summary>
    public static void AssertRclonePluginLoaded(string output) =>
        Assert.DoesNotContain(CamshareRun.LinesContaining(output, "plugin not loaded"),
            l => l.Contains("rclone", StringComparison.OrdinalIgnoreCase));

    public static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotMatch(new Regex(@"^\s+at \S+\(", RegexOptions.Multiline), output);
        Assert.DoesNotContain("Exception:", output);
    }

    /// <summary>Segment files (.mp4) waiting in the camera's rec folder of the spool.</summary>
    public List<string> SpooledSegments() =>
        Directory.Exists(RecFolder)
            ? Directory.EnumerateFiles(RecFolder, "*.mp4").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>What the spool's rec and quarantine folders hold (and ffmpeg's segment lists), for failure messages.</summary>
    public string SpoolEvidence()
    {
        var text = new System.Text.StringBuilder();
        foreach (var folder in new[] { RecFolder, Path.Combine(Spool, Camera, "quarantine") })
            if (Directory.Exists(folder))
                text.Append(Path.GetFileName(folder)).Append(": ")
                    .AppendJoin(", ", Directory.EnumerateFiles(folder).Select(f => $"{Path.GetFileName(f)} ({new FileInfo(f).Length} B)").Order(StringComparer.Ordinal))
                    .Append('\n');
        foreach (var list in Directory.EnumerateFiles(RecFolder, "list-*.csv").Order(StringComparer.Ordinal))
            text.Append('\n').Append(Path.GetFileName(list)).Append(":\n").Append(File.ReadAllText(list));
        var camera = CameraSim.Output.Trim();
        if (camera.Length > 0) text.Append("camera simulator said:\n").Append(camera.Length > 4000 ? camera[^4000..] : camera);
        return text.ToString();
    }

    /// <summary>Every .mp4 below <paramref name="folder"/> as a key (relative, '/'-separated), temporary uploads excluded.</summary>
    public static List<string> Objects(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.mp4", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .Where(k => !k.Contains(StorageKeys.TemporaryPrefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>Temporary upload names (".name.camshare-partial-...") left below <paramref name="folder"/>.</summary>
    public static List<string> Partials(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => f.Contains(StorageKeys.TemporaryPrefix, StringComparison.Ordinal)).ToList()
            : [];

    public static string Md5(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }

    /// <summary>The start time in a segment's name ("20240323T102000-0500.mp4"), in the name's own offset.</summary>
    public static DateTimeOffset StartOf(string fileName)
    {
        var m = SegmentFileName().Match(fileName);
        Assert.True(m.Success, $"'{fileName}' is not a segment name");
        var local = DateTime.ParseExact(m.Groups[1].Value, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var sign = m.Groups[2].Value == "-" ? -1 : 1;
        var offset = new TimeSpan(int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), 0) * sign;
        return new DateTimeOffset(local, offset);
    }

    /// <summary>The key the default template gives a segment: {camera}/{yyyyMMdd}/{HH}/{file}.</summary>
    public static string KeyOf(string fileName)
    {
        var start = StartOf(fileName);
        return $"{Camera}/{start.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{start.ToString("HH", CultureInfo.InvariantCulture)}/{fileName}";
    }

    /// <summary>
    /// Each key: follows the template, is playable (h264 + aac, a full decode without error); inner segments last
    /// about 3 s, and there is no gap over 1 s between consecutive segments. Returns (key, duration, size).
    /// </summary>
    public static async Task<List<(string Key, double Duration, long Size)>> AssertPlayableSeriesAsync(string folder, IReadOnlyList<string> keys,
        Func<string>? evidence = null)
    {
        var facts = new List<(string Key, double Duration, long Size)>();
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            Assert.Equal(KeyOf(Path.GetFileName(key)), key);
            var path = Path.Combine(folder, key);
            var media = await MediaFacts.ProbeAsync(path);
            Assert.True(media.Has("h264") && media.Has("aac"), $"{key}: streams {string.Join(",", media.Codecs)}");
            Assert.True(media.DecodeErrors.Length == 0, $"{key}: {media.DecodeErrors}");
            facts.Add((key, media.Duration, new FileInfo(path).Length));
        }
        // The first segment carries ffmpeg's probe buffer and the last ends at the stop; cuts land on key frames.
        foreach (var s in facts.Skip(1).SkipLast(1))
            Assert.True(s.Duration is >= 2.4 and <= 3.6, $"{s.Key}: {s.Duration:0.000} s");
        for (var i = 1; i < facts.Count; i++)
        {
            var gap = (StartOf(Path.GetFileName(facts[i].Key)) - StartOf(Path.GetFileName(facts[i - 1].Key))).TotalSeconds - facts[i - 1].Duration;
            Assert.True(gap <= 1.0, $"gap of {gap:0.00} s between {facts[i - 1].Key} and {facts[i].Key}; durations: " +
                                    string.Join(", ", facts.Select(f => $"{Path.GetFileName(f.Key)} {f.Duration:0.000} s")) + "\n" + evidence?.Invoke());
        }
        return facts;
    }

    /// <summary>PIDs of live rclone processes whose command line mentions <paramref name="text"/> (zombies excluded).</summary>
    public static List<(int Pid, string CommandLine)> RcloneProcessesMentioning(string text)
    {
        var found = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Length == 0) continue; // zombie or kernel thread
                var exe = cmdline.Split(' ')[0];
                if (Path.GetFileName(exe) == "rclone" && cmdline.Contains(text, StringComparison.Ordinal)) found.Add((pid, cmdline));
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        await CameraSim.DisposeAsync();
        // After a failed test: an rclone orphaned by camshare works on this test's files only (its root is unique).
        foreach (var (pid, _) in RcloneProcessesMentioning(Root))
            try { System.Diagnostics.Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    [GeneratedRegex(@"^(\d{8}T\d{6})([+-])(\d{2})(\d{2})\.mp4$")]
    private static partial Regex SegmentFileName();
}
