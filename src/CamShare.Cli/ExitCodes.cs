namespace CamShare.Cli;

/// <summary>The exit codes camshare documents (README, --help).</summary>
public static class ExitCodes
{
    /// <summary>Success; for `run`, a clean shutdown after SIGTERM/Ctrl-C.</summary>
    public const int Ok = 0;
    /// <summary>A check failed, or the service stopped on an error.</summary>
    public const int Failed = 1;
    /// <summary>The configuration is invalid (or a plugin a configured storage needs did not load).</summary>
    public const int ConfigError = 2;
    /// <summary>The command line is wrong (unknown command or option, missing value): the same code as a config error.</summary>
    public const int UsageError = 2;
    /// <summary>A required program (ffmpeg/ffprobe) is missing.</summary>
    public const int MissingDependency = 3;
}
