namespace CamShare.Storage.Rclone;

/// <summary>
/// The rclone flags a user may not add: each would silently break the storage contract (nothing uploaded, an
/// object skipped, a partial object visible, output we parse changed) or duplicates a setting of this provider.
/// </summary>
internal static class RcloneFlags
{
    private static readonly Dictionary<string, string> Denied = new(StringComparer.Ordinal)
    {
        ["--dry-run"] = "rclone would report success without uploading anything",
        ["--interactive"] = "rclone would wait for an answer nobody gives",
        ["--max-transfer"] = "an upload would stop midway (exit code 8)",
        ["--max-duration"] = "an upload would stop midway",
        ["--cutoff-mode"] = "only meaningful with --max-transfer/--max-duration, which are refused",
        ["--max-size"] = "a filter: larger segments would be skipped silently",
        ["--min-size"] = "a filter: smaller segments would be skipped silently",
        ["--max-age"] = "a filter: objects would be skipped or hidden from listings",
        ["--min-age"] = "a filter: objects would be skipped or hidden from listings",
        ["--include"] = "a filter: objects would be skipped or hidden from listings",
        ["--exclude"] = "a filter: objects would be skipped or hidden from listings",
        ["--include-from"] = "a filter: objects would be skipped or hidden from listings",
        ["--exclude-from"] = "a filter: objects would be skipped or hidden from listings",
        ["--filter"] = "a filter: objects would be skipped or hidden from listings",
        ["--filter-from"] = "a filter: objects would be skipped or hidden from listings",
        ["--files-from"] = "a filter: objects would be skipped or hidden from listings",
        ["--files-from-raw"] = "a filter: objects would be skipped or hidden from listings",
        ["--exclude-if-present"] = "a filter: objects would be skipped or hidden from listings",
        ["--max-depth"] = "listings must be recursive",
        ["--ignore-existing"] = "an overwrite would be skipped silently",
        ["--immutable"] = "an overwrite would fail",
        ["--update"] = "an overwrite would be skipped when the remote copy looks newer",
        ["--ignore-size"] = "uploads must be verified by size",
        ["--ignore-checksum"] = "uploads must be verified by checksum where the remote has one",
        ["--ignore-errors"] = "errors must be reported, not ignored",
        ["--error-on-no-transfer"] = "changes rclone's exit codes, which this provider interprets",
        ["--inplace"] = "uploads must never be visible under the final name while incomplete",
        ["--partial-suffix"] = "uploads must never be visible under the final name while incomplete",
        ["--progress"] = "rewrites the output this provider parses; progress is reported already",
        ["--stats"] = "set by this provider to report progress",
        ["--stats-one-line"] = "set by this provider to report progress",
        ["--stats-log-level"] = "set by this provider to report progress",
        ["--use-json-log"] = "set by this provider: it parses rclone's JSON log",
        ["--log-file"] = "rclone's log is read by this provider and must reach it",
        ["--log-format"] = "rclone's log is read by this provider",
        ["--log-level"] = "set by this provider",
        ["--verbose"] = "set by this provider",
        ["--quiet"] = "set by this provider",
        ["--syslog"] = "rclone's log is read by this provider and must reach it",
        ["--config"] = "use the configPath setting instead",
        ["--bwlimit"] = "use the bandwidthLimit setting instead",
        ["--rc"] = "would open rclone's remote-control server",
        // (reasons on their own lines: these keys are flag names, not credentials)
        ["--ask-password"] =
            "rclone must never prompt; give RCLONE_CONFIG_PASS in environment instead",
        ["--password-command"] =
            "would run a command whose output could end up in messages; use RCLONE_CONFIG_PASS in environment",
    };

    private static readonly Dictionary<char, string> Shorthands = new()
    {
        ['n'] = "--dry-run", ['i'] = "--interactive", ['u'] = "--update", ['P'] = "--progress",
        ['v'] = "--verbose", ['q'] = "--quiet",
    };

    /// <summary>One message per refused flag, naming it and saying why.</summary>
    public static IEnumerable<string> Check(IEnumerable<string> flags)
    {
        foreach (var flag in flags)
        {
            if (flag is null) { yield return "an item is null: remove it"; continue; }
            if (Reason(flag) is { } why)
                yield return $"'{NameOf(flag)}' is refused: {why}";
        }
    }

    /// <summary>Why a single argument is refused, or null when it is allowed.</summary>
    public static string? Reason(string argument)
    {
        if (argument.StartsWith("--", StringComparison.Ordinal))
        {
            var name = NameOf(argument);
            return Denied.TryGetValue(name, out var why) ? why : null;
        }
        if (argument.Length > 1 && argument[0] == '-' && !char.IsAsciiDigit(argument[1]))
            foreach (var c in argument.AsSpan(1))
            {
                if (c == '=') break;
                if (Shorthands.TryGetValue(c, out var longName)) return $"-{c} is {longName}: {Denied[longName]}";
            }
        return null;
    }

    /// <summary>rclone reads any flag from RCLONE_FLAG_NAME as well; the same deny-list applies.</summary>
    public static string? DeniedByEnvironment(string variable) =>
        EnvironmentName.TryGetValue(variable, out var flag) ? $"it sets {flag}: {Denied[flag]}" : null;

    /// <summary>Environment variables that rclone would read as a denied flag (removed from what rclone inherits).</summary>
    public static IEnumerable<string> DeniedEnvironmentVariables => EnvironmentName.Keys;

    private static readonly Dictionary<string, string> EnvironmentName = Denied.Keys
        .Where(f => f is not "--config")
        .ToDictionary(f => "RCLONE_" + f[2..].Replace('-', '_').ToUpperInvariant(), f => f, StringComparer.Ordinal);

    private static string NameOf(string argument)
    {
        var eq = argument.IndexOf('=');
        return eq < 0 ? argument : argument[..eq];
    }
}
