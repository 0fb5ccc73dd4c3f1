using System.Globalization;
using CamShare.Testing;
using Xunit;

namespace CamShare.Storage.S3.Tests.EndToEnd;

/// <summary>A camera at ~16 Mbit/s (noise pattern) fills 4-second segments past the 5 MiB multipart threshold.</summary>
public sealed class MultipartEndToEndTests
{
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;
    private const double MiB = 1024 * 1024;

    [Fact(Timeout = 180_000)]
    public async Task A_segment_large_enough_goes_multipart()
    {
        await using var rig = await S3EndToEndRig.StartAsync(kbps: 16_000, pattern: "snow");
        try
        {
            var service = await rig.StartCamShareAsync(segmentSeconds: 4,
                storageExtras: "\"multipartThresholdMiB\": 5, \"partSizeMiB\": 5", keepLocal: true);
            // Wait for a segment over 5 MiB to be closed, then for its upload.
            await service.WaitUntilAsync(() => rig.Closed().Any(c => c.MiB > 5.1), TimeSpan.FromSeconds(60), "a segment over 5 MiB");
            var big = rig.Closed().First(c => c.MiB > 5.1);
            await service.WaitUntilAsync(() => rig.Uploaded().Any(u => u.Key == S3EndToEndRig.ExpectedKey(big.File)),
                TimeSpan.FromSeconds(60), $"the upload of {big.File}");
            Assert.Equal(0, await service.StopAsync());

            rig.AssertS3PluginLoaded();
            rig.AssertNoSecrets();
            var closed = rig.Closed();
            var uploaded = rig.Uploaded();
            Assert.Equal(closed.Count, uploaded.Count);
            await using var provider = rig.CreateProvider();
            var objects = await S3EndToEndRig.ListAllAsync(provider);
            Assert.Equal(closed.Select(c => S3EndToEndRig.ExpectedKey(c.File)).Order(StringComparer.Ordinal),
                objects.Select(o => o.Key).Order(StringComparer.Ordinal));

            var large = 0;
            foreach (var c in closed)
            {
                var key = S3EndToEndRig.ExpectedKey(c.File);
                var kept = Path.Combine(rig.KeptFolder, c.File);
                Assert.True(File.Exists(kept), $"{c.File} was not kept locally (keepLocal: true)");
                var keptSize = new FileInfo(kept).Length;
                var head = await provider.StatAsync(key, S3EndToEndRig.Timeout()); // HEAD
                Assert.Equal(keptSize, head.Size);
                Assert.InRange(head.Size / MiB, c.MiB - 0.051, c.MiB + 0.051); // what camshare logged at "closed"
                var downloaded = await rig.DownloadAsync(provider, key);
                Assert.Equal(keptSize, new FileInfo(downloaded).Length);
                Assert.Equal(await S3EndToEndRig.Md5OfFileAsync(kept), await S3EndToEndRig.Md5OfFileAsync(downloaded));
                if (head.Size > 5 * MiB)
                {
                    large++;
                    var facts = await MediaFacts.ProbeAsync(downloaded);
                    Assert.True(facts.Has("h264") && facts.Has("aac"), $"{key}: streams {string.Join(",", facts.Codecs)}");
                    Assert.Equal("", facts.DecodeErrors);
                }
                var up = uploaded.Single(u => u.Key == key);
                Output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{key}: {head.Size} bytes ({head.Size / MiB:0.00} MiB), verified ({up.Verified}), closed → uploaded line {(up.Line.At - c.Line.At).TotalMilliseconds:0} ms"));
            }
            Assert.True(large >= 1, "no uploaded segment is over 5 MiB");

            // s3rver keeps each multipart upload in <bucket>/._S3rver_uploads/<uploadId>/ until it is completed: the
            // folder exists only if a multipart upload was initiated, and it is empty when every one was completed.
            var uploads = Path.Combine(rig.Server.DataDirectory, rig.Server.Bucket, "._S3rver_uploads");
            Assert.True(Directory.Exists(uploads), "s3rver never received a multipart upload (no ._S3rver_uploads folder)");
            Assert.Empty(Directory.EnumerateFileSystemEntries(uploads));
            Assert.Empty(rig.SegmentsInRec());
        }
        finally
        {
            rig.Report(Output);
        }
    }
}
