namespace CamShare.Cli;

/// <summary>A program camshare needs (ffmpeg, ffprobe) is not installed.</summary>
internal sealed class MissingToolException(string message) : Exception(message);
