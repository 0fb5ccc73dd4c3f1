using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CamShare.Core.Recording;
using CamShare.Core.Spool;
using CamShare.Viewer;

namespace CamShare.Core.Publishing;

/// <summary>What the viewer's index says about a segment besides its name: duration and MSE codecs.</summary>
public sealed record MediaFacts(double DurationSeconds, string Codecs);

/// <summary>
/// Probes each spooled segment once (ffprobe) for every destination's publisher: the first probe starts while
/// the local file certainly exists (the spool removes it only after the publish of the destination that
/// verified last), and later destinations reuse its result.
/// </summary>
public sealed class SegmentMediaFacts(string ffprobePath)
{
    private readonly ConditionalWeakTable<SpoolSegment, Task<MediaFacts>> _facts = [];

    public Task<MediaFacts> OfAsync(SpoolSegment segment, CancellationToken cancellationToken) =>
        _facts.GetValue(segment, s => ProbeAsync(s.Path)).WaitAsync(cancellationToken);

    private async Task<MediaFacts> ProbeAsync(string path)
    {
        var probe = await ToolRunner.RunAsync(ffprobePath,
            ["-v", "error", "-show_streams", "-show_data", "-show_entries", "format=duration", "-of", "json", path],
            TimeSpan.FromMinutes(1), CancellationToken.None).ConfigureAwait(false);
        if (probe.ExitCode != 0)
            throw new InvalidOperationException($"ffprobe cannot read {Path.GetFileName(path)} (exit code {probe.ExitCode})");
        return new MediaFacts(Duration(probe.StdOut), MseCodecs.FromFfprobeJson(probe.StdOut));
    }

    private static double Duration(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("format", out var format) && format.TryGetProperty("duration", out var d)
            && double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? Math.Round(seconds, 3) : 0;
    }
}
