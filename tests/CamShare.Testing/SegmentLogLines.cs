using System.Text.RegularExpressions;

namespace CamShare.Testing;

/// <summary>
/// The two log lines end-to-end tests follow: "<c>{camera}: segment FILE closed (…)</c>" from the recorder and
/// "<c>{camera} → DESTINATION: uploaded KEY, verified (…)</c>" from the pipeline.
/// </summary>
public static partial class SegmentLogLines
{
    public static bool IsClosed(string line) => ClosedLine().IsMatch(line);

    /// <summary>Whether <paramref name="line"/> reports a verified upload to <paramref name="destination"/>.</summary>
    public static bool IsUploaded(string line, string destination) => UploadedKey(line, destination) is not null;

    public static string? ClosedFile(string line) => ClosedLine().Match(line) is { Success: true } m ? m.Groups[1].Value : null;

    public static string? UploadedKey(string line, string destination) =>
        UploadedLine().Match(line) is { Success: true } m && m.Groups[1].Value == destination ? m.Groups[2].Value : null;

    /// <summary>Segment files the service reported closed, in order, with when.</summary>
    public static List<(TimeSpan At, string File)> ClosedSegments(this CamShareService service) =>
        [.. service.Matching(IsClosed).Select(l => (l.At, ClosedFile(l.Text)!))];

    /// <summary>Keys the service reported uploaded and verified to <paramref name="destination"/>, in order, with when.</summary>
    public static List<(TimeSpan At, string Key)> UploadedKeys(this CamShareService service, string destination) =>
        [.. service.Matching(l => IsUploaded(l, destination)).Select(l => (l.At, UploadedKey(l.Text, destination)!))];

    [GeneratedRegex(@"segment (\S+\.mp4) closed \(")]
    private static partial Regex ClosedLine();

    [GeneratedRegex(@"→ (\S+): uploaded (.+), verified \(")]
    private static partial Regex UploadedLine();
}
