using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CamShare.Testing;

/// <summary>What ffprobe (and a full decode) says about a recorded file.</summary>
public sealed record MediaFacts(double Duration, IReadOnlyList<string> Codecs, string DecodeErrors)
{
    public bool Has(string codec) => Codecs.Contains(codec);

    public static async Task<MediaFacts> ProbeAsync(string path)
    {
        var json = await RunAsync("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_name", "-of", "json", path]);
        using var doc = JsonDocument.Parse(json.Out);
        var duration = doc.RootElement.TryGetProperty("format", out var f) && f.TryGetProperty("duration", out var d)
            ? double.Parse(d.GetString()!, CultureInfo.InvariantCulture) : 0;
        var codecs = doc.RootElement.TryGetProperty("streams", out var s)
            ? s.EnumerateArray().Select(x => x.GetProperty("codec_name").GetString()!).ToList() : [];
        var decode = await RunAsync("ffmpeg", ["-nostdin", "-v", "error", "-i", path, "-map", "0", "-f", "null", "-"]);
        return new MediaFacts(duration, codecs, decode.Err.Trim());
    }

    private static async Task<(string Out, string Err)> RunAsync(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (await o, await e);
    }
}
