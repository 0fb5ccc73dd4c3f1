namespace CamShare.Viewer.Tests.Unit;

/// <summary>Codec strings from ffprobe's JSON: with -show_data (exact, from avcC/hvcC) and without.</summary>
public sealed class MseCodecsTests
{
    private static string Probe(params string[] streams) => $$"""{"streams":[{{string.Join(',', streams)}}]}""";

    [Theory]
    [InlineData("Constrained Baseline", 30, "avc1.42E01E")]
    [InlineData("Baseline", 31, "avc1.42001F")]
    [InlineData("Main", 40, "avc1.4D4028")]
    [InlineData("High", 51, "avc1.640033")]
    [InlineData("High 10", 41, "avc1.6E0029")]
    public void H264_from_profile_name_and_level(string profile, int level, string expected)
    {
        var json = Probe($$"""{"codec_type":"video","codec_name":"h264","profile":"{{profile}}","level":{{level}}}""");
        Assert.Equal(expected, MseCodecs.FromFfprobeJson(json));
    }

    [Fact]
    public void H264_from_the_avcC_record_when_ffprobe_shows_data()
    {
        var json = Probe("""{"codec_type":"video","codec_name":"h264","profile":"Constrained Baseline","level":30,"extradata":"\n00000000: 0142 c01e ffe1 0019 6742 c01e d901 419f  .B......gB....A.\n00000010: 9f01 1000 0003 0010 0000 0303 20f1 62e4  ............ .b.\n"}""",
            """{"codec_type":"audio","codec_name":"aac","profile":"LC"}""");
        Assert.Equal("avc1.42C01E, mp4a.40.2", MseCodecs.FromFfprobeJson(json));
    }

    [Theory]
    [InlineData("LC", "mp4a.40.2")]
    [InlineData("HE-AAC", "mp4a.40.5")]
    [InlineData("HE-AACv2", "mp4a.40.29")]
    public void Aac_profiles(string profile, string expected)
    {
        var json = Probe($$"""{"codec_type":"audio","codec_name":"aac","profile":"{{profile}}"}""");
        Assert.Equal(expected, MseCodecs.FromFfprobeJson(json));
    }

    [Fact]
    public void Opus_audio_and_data_streams_ignored()
    {
        var json = Probe("""{"codec_type":"video","codec_name":"h264","profile":"High","level":40}""",
            """{"codec_type":"audio","codec_name":"opus"}""", """{"codec_type":"data","codec_name":"bin_data"}""");
        Assert.Equal("avc1.640028, opus", MseCodecs.FromFfprobeJson(json));
    }

    [Theory]
    [InlineData("hvc1", "Main", 93, "hvc1.1.6.L93.B0")]
    [InlineData("hev1", "Main", 120, "hev1.1.6.L120.B0")]
    [InlineData("hvc1", "Main 10", 153, "hvc1.2.4.L153.B0")]
    public void H265_from_profile_name_and_level(string tag, string profile, int level, string expected)
    {
        var json = Probe($$"""{"codec_type":"video","codec_name":"hevc","codec_tag_string":"{{tag}}","profile":"{{profile}}","level":{{level}}}""");
        Assert.Equal(expected, MseCodecs.FromFfprobeJson(json));
    }

    [Fact]
    public void H265_from_the_hvcC_record()
    {
        // configurationVersion 1, Main profile, Main-compatible flags 0x60000000, progressive+frame-only 0xB0, level 93.
        var json = Probe("""{"codec_type":"video","codec_name":"hevc","codec_tag_string":"hvc1","extradata":"\n00000000: 0101 6000 0000 b000 0000 0000 5df0 00fc  ..`.........]...\n"}""");
        Assert.Equal("hvc1.1.6.L93.B0", MseCodecs.FromFfprobeJson(json));
    }

    [Fact]
    public void A_file_without_known_streams_is_an_error()
    {
        Assert.Throws<FormatException>(() => MseCodecs.FromFfprobeJson(Probe("""{"codec_type":"audio","codec_name":"pcm_alaw"}""")));
    }
}
