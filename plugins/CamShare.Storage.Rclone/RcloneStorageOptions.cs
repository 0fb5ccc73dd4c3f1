using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using CamShare.Abstractions;

namespace CamShare.Storage.Rclone;

[Description("Any remote rclone knows (OneDrive, Dropbox, pCloud, Mega, SMB, a crypt remote, ...), driven through the " +
            "rclone binary. Point it at a remote you already configured with `rclone config`.")]
public sealed class RcloneStorageOptions : IValidatableObject
{
    [Required, Description("Remote and root folder as rclone writes it, e.g. \"onedrive:Cameras\" or " +
                                "\"secret:\" for a crypt remote. Objects are stored below this path.")]
    public string Remote { get; set; } = "";

    [Description("Path of the rclone binary; default: \"rclone\" found on PATH.")]
    public string RclonePath { get; set; } = "rclone";

    [Description("rclone config file; default: rclone's own (~/.config/rclone/rclone.conf or $RCLONE_CONFIG).")]
    public string? ConfigPath { get; set; }

    [Description("Extra rclone flags, one argument per item, e.g. [\"--onedrive-chunk-size\", \"20M\"]. Flags that " +
                "would break the storage contract (--dry-run, filters, --max-transfer, ...) are refused.")]
    public string[] ExtraFlags { get; set; } = [];

    [Description("Bandwidth limit passed to --bwlimit, e.g. \"2M\" or \"08:00,512k 19:00,off\".")]
    public string? BandwidthLimit { get; set; }

    [Description("Longest time one rclone run may take (an upload, a listing) before it is killed and reported as a " +
                "transient failure; 0 = no limit. Default 3600.")]
    public int OperationTimeoutSeconds { get; set; } = 3600;

    [Secret, Description("Extra environment variables for rclone, e.g. RCLONE_CONFIG_MYREMOTE_TYPE or " +
                        "RCLONE_CONFIG_PASS. Values are treated as secrets: never logged, redacted from messages " +
                        "(except *_TYPE, *_HOST and *_PORT). An empty value removes the variable.")]
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    [Description("Upload to a temporary name beside the key and rename it into place (default true), so readers " +
                "never see a partial object. Set false only for remotes whose uploads become visible when " +
                "complete (S3, Google Drive, OneDrive, Dropbox, ...), to save the server-side rename.")]
    public bool UploadViaTemporaryName { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Remote))
            yield return new ValidationResult("set it to an rclone remote and folder, e.g. \"onedrive:Cameras\" (`rclone listremotes` lists your remotes)", ["remote"]);
        else if (!Remote.Contains(':') || Remote != Remote.Trim())
            yield return new ValidationResult($"'{RcloneRemote.Describe(Remote)}' is not an rclone remote path: write NAME:PATH, e.g. \"onedrive:Cameras\"", ["remote"]);

        if (string.IsNullOrWhiteSpace(RclonePath))
            yield return new ValidationResult("leave it unset to use \"rclone\" from PATH, or give the binary's full path", ["rclonePath"]);
        else if (RcloneBinary.Resolve(RclonePath) is null)
            yield return new ValidationResult($"rclone not found at '{RclonePath}': install it (e.g. `apt install rclone`) or set rclonePath to the binary", ["rclonePath"]);

        if (ConfigPath is not null && !File.Exists(ConfigPath))
            yield return new ValidationResult($"no file at '{ConfigPath}': give the path `rclone config file` prints, or leave it unset", ["configPath"]);

        foreach (var problem in RcloneFlags.Check(ExtraFlags ?? []))
            yield return new ValidationResult(problem, ["extraFlags"]);

        foreach (var (key, _) in Environment ?? [])
        {
            if (key.Length == 0 || key.Contains('=') || key.Contains('\0'))
                yield return new ValidationResult($"'{key}' is not a valid environment variable name", ["environment"]);
            else if (RcloneFlags.DeniedByEnvironment(key) is { } why)
                yield return new ValidationResult($"{key} is refused: {why}", ["environment"]);
            else if (key == "RCLONE_CONFIG" && ConfigPath is not null)
                yield return new ValidationResult("RCLONE_CONFIG and configPath both set: keep only configPath", ["environment"]);
        }

        if (BandwidthLimit is not null && (BandwidthLimit.Trim().Length == 0 ||
                                           BandwidthLimit.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or ',' or ':' or '|' or ' ' or '-'))))
            yield return new ValidationResult("use rclone's --bwlimit syntax, e.g. \"2M\" (2 MiB/s) or \"08:00,512k 19:00,off\"", ["bandwidthLimit"]);

        if (OperationTimeoutSeconds < 0)
            yield return new ValidationResult("use 0 (no limit) or a number of seconds, e.g. 3600", ["operationTimeoutSeconds"]);
    }
}
