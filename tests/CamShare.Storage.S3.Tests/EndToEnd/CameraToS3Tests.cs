using System.Globalization;
using CamShare.Abstractions;
using CamShare.Testing;
using Xunit;

namespace CamShare.Storage.S3.Tests.EndToEnd;

/// <summary>
/// One real run, camera → <c>camshare run</c> → s3rver, recorded once for the class: camshare records 3-second
/// segments until at least 3 are uploaded and verified, then gets one SIGTERM. The tests check what is in the bucket.
/// </summary>
public sealed class RecordedS3Run : IAsyncLifetime
{
    public const int SegmentSeconds = 3;

    internal S3EndToEndRig Rig { get; private set; } = null!;
    public int ExitCode { get; private set; }
    public TimeSpan StopTook { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Rig = await S3EndToEndRig.StartAsync();
        var service = await Rig.StartCamShareAsync(SegmentSeconds);
        await service.WaitForLinesAsync(S3EndToEndRig.UploadedMarker, 3, TimeSpan.FromSeconds(60));
        await Rig.WaitUntilIntoSegmentAsync();
        var before = service.Elapsed;
        ExitCode = await service.StopAsync();
        StopTook = service.Elapsed - before;
    }

    public async ValueTask DisposeAsync()
    {
        if (Rig is not null) await Rig.DisposeAsync();
    }
}

public sealed class CameraToS3Tests(RecordedS3Run run) : IClassFixture<RecordedS3Run>
{
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact(Timeout = 180_000)]
    public async Task Camera_to_S3_every_segment_arrives_complete_and_playable()
    {
        var rig = run.Rig;
        rig.Report(Output);
        Assert.Equal(0, run.ExitCode);
        rig.AssertS3PluginLoaded();
        rig.AssertNoSecrets();

        var closed = rig.Closed();
        var uploaded = rig.Uploaded();
        Assert.True(uploaded.Count >= 3, $"{uploaded.Count} uploads");
        await using var provider = rig.CreateProvider();
        var objects = (await S3EndToEndRig.ListAllAsync(provider)).OrderBy(o => o.Key, StringComparer.Ordinal).ToList();

        // Exactly the uploaded keys are in the bucket, one object per closed segment, each under its template key.
        Assert.Equal(uploaded.Count, objects.Count);
        Assert.Equal(uploaded.Select(u => u.Key).Order(StringComparer.Ordinal), objects.Select(o => o.Key));
        Assert.Equal(closed.Select(c => S3EndToEndRig.ExpectedKey(c.File)).Order(StringComparer.Ordinal), objects.Select(o => o.Key));
        Assert.All(uploaded, u => Assert.Equal("size+md5", u.Verified));

        var segments = new List<(DateTimeOffset Start, double Duration, string Key)>();
        foreach (var o in objects)
        {
            Assert.Matches(@"^porch/\d{8}/\d{2}/\d{8}T\d{6}[+-]\d{4}\.mp4$", o.Key);
            var file = o.Key[(o.Key.LastIndexOf('/') + 1)..];
            Assert.Equal(S3EndToEndRig.ExpectedKey(file), o.Key);
            var local = await rig.DownloadAsync(provider, o.Key);
            Assert.Equal(o.Size, new FileInfo(local).Length);
            var facts = await MediaFacts.ProbeAsync(local);
            Assert.True(facts.Has("h264") && facts.Has("aac"), $"{o.Key}: streams {string.Join(",", facts.Codecs)}");
            Assert.Equal("", facts.DecodeErrors);
            segments.Add((S3EndToEndRig.StartOf(file), facts.Duration, o.Key));
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{o.Key}: {facts.Duration:0.000} s, {o.Size} bytes"));
        }

        // Inner segments are full length; the first also holds ffmpeg's probe buffer, the last ends at the stop.
        foreach (var s in segments.Skip(1).SkipLast(1))
            Assert.InRange(s.Duration, RecordedS3Run.SegmentSeconds - 0.6, RecordedS3Run.SegmentSeconds + 0.6);
        Assert.InRange(segments[0].Duration, 0.3, RecordedS3Run.SegmentSeconds + 3.0);
        Assert.InRange(segments[^1].Duration, 0.5, RecordedS3Run.SegmentSeconds + 0.6); // stopped 1–2 s into it
        for (var i = 1; i < segments.Count; i++)
        {
            var gap = (segments[i].Start - segments[i - 1].Start).TotalSeconds - segments[i - 1].Duration;
            Assert.True(gap <= 1.0, $"gap of {gap:0.00} s between {segments[i - 1].Key} and {segments[i].Key}");
        }

        // Segments this small (≈ 0.1 MB, threshold 16 MiB) are single PUTs: s3rver never saw a multipart upload.
        Assert.False(Directory.Exists(Path.Combine(rig.Server.DataDirectory, rig.Server.Bucket, "._S3rver_uploads")));

        // Nothing is left behind locally: the rec folder holds no segment, list or pid file.
        Assert.Empty(Directory.EnumerateFiles(rig.RecFolder));
        Assert.Equal(objects.Count, rig.Service!.Matching("local file removed").Count);
        Assert.Single(rig.Service.Matching("CamShare: stopped; 0 segment(s) wait in the spool"));

        foreach (var c in closed)
        {
            var up = uploaded.Single(u => u.Key.EndsWith("/" + c.File, StringComparison.Ordinal));
            Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"latency {c.File}: closed → uploaded+verified line {(up.Line.At - c.Line.At).TotalMilliseconds:0} ms"));
        }
        Output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SIGTERM → exit: {run.StopTook.TotalSeconds:0.00} s"));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_presigned_link_fetches_a_segment_with_a_plain_http_client()
    {
        var rig = run.Rig;
        await using var provider = rig.CreateProvider();
        var objects = await S3EndToEndRig.ListAllAsync(provider);
        Assert.NotEmpty(objects);
        var target = objects.OrderBy(o => o.Key, StringComparer.Ordinal).Skip(1).FirstOrDefault() ?? objects[0];
        Assert.Contains("+", target.Key); // Europe/Berlin offset: the link must encode '+' correctly
        var expectedMd5 = await S3EndToEndRig.Md5OfFileAsync(await rig.DownloadAsync(provider, target.Key));

        var links = Assert.IsAssignableFrom<IShareLinkCapability>(provider);
        var link = await links.CreateShareLinkAsync(target.Key, TimeSpan.FromMinutes(10), S3EndToEndRig.Timeout());
        Output?.WriteLine($"{target.Key}: {link.GetLeftPart(UriPartial.Path)}?… ({link.Query.Length} query characters)");
        Assert.Equal(rig.Server.Endpoint, link.GetLeftPart(UriPartial.Authority));
        Assert.Contains("X-Amz-Signature=", link.Query);
        Assert.DoesNotContain(rig.Server.SecretKey, link.ToString());

        using var http = new HttpClient(new HttpClientHandler { UseProxy = false });
        using var response = await http.GetAsync(link, S3EndToEndRig.Timeout());
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync(S3EndToEndRig.Timeout());
        Assert.Equal(target.Size, bytes.Length);
        Assert.Equal(expectedMd5, Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(bytes)));

        // The signature is what grants access: the same link with one signature character changed is refused.
        var tampered = TamperSignature(link);
        using var refused = await http.GetAsync(tampered, S3EndToEndRig.Timeout());
        Output?.WriteLine($"tampered signature: HTTP {(int)refused.StatusCode}");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private static Uri TamperSignature(Uri link)
    {
        var text = link.AbsoluteUri;
        var at = text.IndexOf("X-Amz-Signature=", StringComparison.Ordinal) + "X-Amz-Signature=".Length;
        var replaced = text[at] == '0' ? '1' : '0';
        return new Uri(text[..at] + replaced + text[(at + 1)..]);
    }
}
