using System.Globalization;
using System.Text.Json;

namespace CamShare.Viewer;

/// <summary>
/// The codecs string for <c>MediaSource.isTypeSupported('video/mp4; codecs="…"')</c>, from ffprobe's JSON
/// (<c>ffprobe -v error -show_streams -show_data -of json FILE</c>). With <c>-show_data</c> the H.264/H.265
/// parameters come from the file's own avcC/hvcC record; without it, from ffprobe's profile name and level.
/// Examples: <c>avc1.42E01E, mp4a.40.2</c> · <c>avc1.640028, opus</c> · <c>hvc1.1.6.L93.B0, mp4a.40.2</c>.
/// </summary>
public static class MseCodecs
{
    /// <summary>The codecs of a file's video stream(s) then audio stream(s).</summary>
    /// <exception cref="FormatException">No stream has a codec the viewer knows.</exception>
    public static string FromFfprobeJson(string ffprobeJson)
    {
        using var doc = JsonDocument.Parse(ffprobeJson);
        if (!doc.RootElement.TryGetProperty("streams", out var streams)) throw new FormatException("ffprobe output has no streams");
        var video = new List<string>();
        var audio = new List<string>();
        foreach (var stream in streams.EnumerateArray())
        {
            var kind = Text(stream, "codec_type");
            var codec = ForStream(stream);
            if (codec is null) continue;
            (kind == "audio" ? audio : video).Add(codec);
        }
        if (video.Count + audio.Count == 0) throw new FormatException("no stream has a codec the viewer knows");
        return string.Join(", ", video.Concat(audio));
    }

    /// <summary>One stream's codec, or null for a stream the viewer ignores (data, subtitles).</summary>
    public static string? ForStream(JsonElement stream) => Text(stream, "codec_name") switch
    {
        "h264" => Avc(stream),
        "hevc" => Hevc(stream),
        "aac" => Text(stream, "profile") switch
        {
            "HE-AAC" => "mp4a.40.5",
            "HE-AACv2" => "mp4a.40.29",
            "Main" => "mp4a.40.1",
            _ => "mp4a.40.2",
        },
        "opus" => "opus",
        "mp3" => "mp4a.6B",
        "flac" => "flac",
        "av1" => "av01.0.08M.08",
        "vp9" => "vp09.00.10.08",
        _ => null,
    };

    private static string Avc(JsonElement stream)
    {
        var extra = ExtraData(stream);
        if (extra is { Length: >= 4 } && extra[0] == 1) return $"avc1.{extra[1]:X2}{extra[2]:X2}{extra[3]:X2}";
        var (profile, constraints) = Text(stream, "profile") switch
        {
            "Constrained Baseline" => (0x42, 0xE0),
            "Baseline" => (0x42, 0x00),
            "Main" => (0x4D, 0x40),
            "Extended" => (0x58, 0x00),
            "High" => (0x64, 0x00),
            "Constrained High" => (0x64, 0x0C),
            "High 10" or "High 10 Intra" => (0x6E, 0x00),
            "High 4:2:2" or "High 4:2:2 Intra" => (0x7A, 0x00),
            "High 4:4:4 Predictive" or "High 4:4:4 Intra" => (0xF4, 0x00),
            _ => (0x64, 0x00),
        };
        var level = Number(stream, "level") is > 0 and var l ? l : 40;
        return $"avc1.{profile:X2}{constraints:X2}{level:X2}";
    }

    private static string Hevc(JsonElement stream)
    {
        // Apple players need hvc1; a file tagged hev1 is announced as what it is.
        var tag = Text(stream, "codec_tag_string") == "hev1" ? "hev1" : "hvc1";
        var extra = ExtraData(stream);
        if (extra is { Length: >= 13 } && extra[0] == 1) return tag + HevcFromRecord(extra);
        var profile = Text(stream, "profile") switch { "Main 10" => 2, "Main Still Picture" => 3, "Rext" => 4, _ => 1 };
        var compatibility = profile switch { 1 => 6, 2 => 4, 3 => 8, _ => 1 << profile };
        var level = Number(stream, "level") is > 0 and var l ? l : 93;
        return $"{tag}.{profile}.{compatibility:X}.L{level}.B0";
    }

    // hvcC: byte 1 = profile space (2 bits), tier (1), profile (5); 2..5 compatibility flags; 6..11 constraint
    // flags; 12 level. The string reverses the compatibility bits and drops trailing zero constraint bytes.
    private static string HevcFromRecord(byte[] r)
    {
        var space = (r[1] >> 6) switch { 1 => "A", 2 => "B", 3 => "C", _ => "" };
        var tier = (r[1] & 0x20) != 0 ? "H" : "L";
        var flags = (uint)(r[2] << 24 | r[3] << 16 | r[4] << 8 | r[5]);
        uint reversed = 0;
        for (var i = 0; i < 32; i++) if ((flags & (1u << i)) != 0) reversed |= 1u << (31 - i);
        var constraints = r[6..12].ToList();
        while (constraints.Count > 0 && constraints[^1] == 0) constraints.RemoveAt(constraints.Count - 1);
        var tail = string.Concat(constraints.Select(b => "." + b.ToString("X", CultureInfo.InvariantCulture)));
        return $".{space}{r[1] & 0x1F}.{reversed:X}.{tier}{r[12]}{tail}";
    }

    /// <summary>ffprobe's <c>-show_data</c> hex dump ("00000000: 0164 001f ffe1 ...  .d....") as bytes.</summary>
    private static byte[]? ExtraData(JsonElement stream)
    {
        var dump = Text(stream, "extradata");
        if (string.IsNullOrWhiteSpace(dump)) return null;
        var bytes = new List<byte>();
        foreach (var line in dump.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            // Eight groups of four hex digits at most, then two spaces and the text column.
            var hex = line[(colon + 1)..];
            var textColumn = hex.IndexOf("  ", 1, StringComparison.Ordinal);
            if (textColumn > 0) hex = hex[..textColumn];
            foreach (var group in hex.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (group.Length % 2 != 0 || !group.All(Uri.IsHexDigit)) return null;
                for (var i = 0; i < group.Length; i += 2)
                    bytes.Add(byte.Parse(group.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }
        return bytes.ToArray();
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : 0;
}
