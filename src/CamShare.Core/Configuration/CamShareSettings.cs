using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using CamShare.Abstractions;

namespace CamShare.Core.Configuration;

/// <summary>The whole configuration file (camshare.json), after secrets were resolved and everything validated.</summary>
public sealed class CamShareSettings
{
    [Description("The cameras to record.")]
    public List<CameraSettings> Cameras { get; set; } = [];

    [Description("Where recordings go. Each has a name, a provider and that provider's own settings.")]
    public List<StorageSettings> Storages { get; set; } = [];

    [Description("Remote key of a segment. Tokens: {camera}, {file}, and any .NET date format of the segment's local start time in braces, e.g. {yyyyMMdd} or {HH}.")]
    public string KeyTemplate { get; set; } = DefaultKeyTemplate;

    public SpoolSettings Spool { get; set; } = new();

    public PluginSettings Plugins { get; set; } = new();

    public StatusSettings Status { get; set; } = new();

    public AlertSettings Alerts { get; set; } = new();

    public const string DefaultKeyTemplate = "{camera}/{yyyyMMdd}/{HH}/{file}";

    /// <summary>What works but should be changed (e.g. a password inside a URL); `check` and `run` print them.</summary>
    public List<ConfigProblem> Warnings { get; } = [];
}

public enum AudioMode
{
    /// <summary>Copy audio MP4 can hold (AAC, Opus, MP3); transcode anything else (G.711...) to AAC 48 kb/s.</summary>
    Auto,
    /// <summary>Always copy (fails for codecs MP4 cannot hold).</summary>
    Copy,
    /// <summary>Always transcode to AAC.</summary>
    Aac,
    /// <summary>Drop audio.</summary>
    None,
}

public sealed class CameraSettings
{
    [Required, Description("Short name, used in keys and logs: letters, digits, '-', '_'.")]
    public string Name { get; set; } = "";

    [Required, Description("rtsp://host:port/path of the camera (no credentials needed here), or demo: for a built-in test pattern with a tone.")]
    public string Url { get; set; } = "";

    [Description("RTSP user name.")]
    public string? Username { get; set; }

    [Secret, Description("RTSP password. Prefer passwordEnv (an environment variable's name) or passwordFile (a file's path).")]
    public string? Password { get; set; }

    [Description("Segment length in seconds, aligned to the clock (300 = 10:00, 10:05, ...).")]
    public int SegmentSeconds { get; set; } = 300;

    [Description("auto (copy when MP4 can hold the codec, else AAC 48 kb/s), copy, aac or none.")]
    public AudioMode Audio { get; set; } = AudioMode.Auto;

    [Required, Description("Names of the storages this camera's segments go to (one or more).")]
    public List<string> Destinations { get; set; } = [];

    [Description("IANA time zone of the camera's location for file names (e.g. America/Chicago); default: this machine's.")]
    public string? TimeZone { get; set; }

    [Description("Seconds in which ffmpeg's output does not advance (a frozen camera) after which ffmpeg is killed and restarted.")]
    public int StallTimeoutSeconds { get; set; } = 10;

    [Description("RTSP socket timeout in seconds (ffmpeg -timeout).")]
    public int RtspTimeoutSeconds { get; set; } = 5;

    [Description("Add -tag:v hvc1 to H.265 video so Apple players play it.")]
    public bool AppleCompatibleHevc { get; set; } = true;
}

/// <summary>A storage as configured: its name, provider and the provider's raw settings (bound later).</summary>
public sealed class StorageSettings
{
    public string Name { get; set; } = "";
    public string Provider { get; set; } = "";

    /// <summary>The provider's options, bound and validated against the provider's options type.</summary>
    public object Options { get; set; } = new();

    /// <summary>The storage's "encryption" section (the transform stage), or null: stored as recorded.</summary>
    public EncryptionSettings? Encryption { get; set; }

    /// <summary>The storage's "retention" section, or null: nothing is ever deleted remotely.</summary>
    public RetentionSettings? Retention { get; set; }

    /// <summary>The storage's "viewer" section (the publish stage), or null: no viewer is published.</summary>
    public ViewerSettings? Viewer { get; set; }
}

public sealed class SpoolSettings
{
    [Description("Local folder where segments wait until every destination has them.")]
    public string Path { get; set; } = DefaultPath;

    [Description("Cap on the spool's size in MB; over it the oldest segments are dropped (logged). 0 = no cap.")]
    public long MaxSizeMb { get; set; } = 10_240;

    [Description("Free space in MB kept on the spool's disk: below it the oldest waiting segments are dropped (logged) before the disk fills and recording breaks. 0 = none.")]
    public long MinFreeMb { get; set; } = 256;

    [Description("Keep local files after every destination verified them (retention of local copies is then yours).")]
    public bool KeepLocal { get; set; }

    public static string DefaultPath => System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create) is { Length: > 0 } data
            ? data : System.IO.Path.GetTempPath(), "camshare", "spool");
}

public sealed class PluginSettings
{
    [Description("Extra folders to search for provider plugins (each plugin in its own sub-folder).")]
    public List<string> Folders { get; set; } = [];
}
