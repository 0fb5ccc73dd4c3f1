using System.Buffers.Binary;
using System.Diagnostics;
using CamShare.Abstractions;
using CamShare.Core;
using CamShare.Core.Configuration;
using CamShare.Core.Spool;
using CamShare.Core.Storage;
using CamShare.Core.Storage.Local;
using Xunit;

namespace CamShare.Recorder.Tests;

/// <summary>Start-up recovery of what a crashed host left in rec/: listed segments go up as they are, unlisted
/// ones only when ffprobe finds them playable, the rest go to quarantine with the reason logged.</summary>
public sealed class LeftoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 90_000)]
    public async Task Leftovers_at_start_up_are_uploaded_when_playable_and_quarantined_when_not()
    {
        var root = EngineHarness.NewRoot();
        var logs = new CapturingLogger();
        try
        {
            var rec = SegmentSpool.RecordingFolderOf(Path.Combine(root, "spool"), "demo");
            Directory.CreateDirectory(rec);
            var full = Path.Combine(root, "full.mp4");
            await MakeFragmentedMp4Async(full, seconds: 4);
            var bytes = await File.ReadAllBytesAsync(full, Ct);
            var moofs = TopLevelBoxes(bytes).Where(b => b.Type == "moof").Select(b => b.Offset).ToList();
            Assert.True(moofs.Count >= 3, $"{moofs.Count} fragments");

            var cut = Path.Combine(rec, "20260101T000000+0000.mp4");          // cut off after some fragments: playable
            await File.WriteAllBytesAsync(cut, bytes[..moofs[^1]], Ct);
            var headerOnly = Path.Combine(rec, "20260101T000010+0000.mp4");   // killed in its first seconds
            await File.WriteAllBytesAsync(headerOnly, bytes[..moofs[0]], Ct);
            var garbage = Path.Combine(rec, "20260101T000020+0000.mp4");
            await File.WriteAllBytesAsync(garbage, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray(), Ct);
            var listed = Path.Combine(rec, "20260101T000030+0000.mp4");       // complete, named in an old run's list
            await File.WriteAllBytesAsync(listed, bytes, Ct);
            await File.WriteAllTextAsync(Path.Combine(rec, "list-old.csv"), "20260101T000030+0000.mp4,0.000000,4.000000\n", Ct);
            var cutMd5 = Md5(bytes[..moofs[^1]]);

            var storage = new LocalStorageProvider(new LocalStorageOptions { Path = Path.Combine(root, "storage") });
            var settings = new CamShareSettings
            {
                Cameras = [new CameraSettings { Name = "demo", Url = "demo:", SegmentSeconds = 2, Destinations = ["nas"] }],
                Spool = new SpoolSettings { Path = Path.Combine(root, "spool") },
            };
            using var stop = new CancellationTokenSource();
            await using var engine = new CamShareEngine(settings, new Dictionary<string, IStorageProvider> { ["nas"] = storage }, logs.CreateFactory());
            var run = engine.RunAsync(stop.Token);
            var deadline = DateTime.UtcNow.AddSeconds(40);
            while (storage.ListAsync("demo/20260101/", Ct).ToBlockingEnumerable(Ct).Count() < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "timed out\n" + logs.AllText);
                await Task.Delay(200, Ct);
            }
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(30), Ct);

            var old = storage.ListAsync("demo/20260101/", Ct).ToBlockingEnumerable(Ct).Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["demo/20260101/00/20260101T000000+0000.mp4", "demo/20260101/00/20260101T000030+0000.mp4"], old);
            Assert.Equal(cutMd5, (await Checksums.ComputeFileAsync(Path.Combine(storage.Root, old[0]), ChecksumAlgorithms.Md5, Ct)).Hex);
            Assert.Equal(Md5(bytes), (await Checksums.ComputeFileAsync(Path.Combine(storage.Root, old[1]), ChecksumAlgorithms.Md5, Ct)).Hex);

            var quarantine = SegmentSpool.QuarantineFolderOf(Path.Combine(root, "spool"), "demo");
            Assert.Equal(["20260101T000010+0000.mp4", "20260101T000020+0000.mp4"],
                Directory.EnumerateFiles(quarantine).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Single(logs.Matching("20260101T000010+0000.mp4 was cut off and is not playable (only 0.0 s of media"));
            Assert.Single(logs.Matching("20260101T000020+0000.mp4 was cut off and is not playable (ffprobe cannot read it"));
            Assert.Single(logs.Matching("20260101T000000+0000.mp4 was cut off"));
            Assert.Empty(logs.Matching("20260101T000030+0000.mp4 was cut off")); // listed: complete, no probe needed
            Assert.Single(logs.Matching("20260101T000030+0000.mp4 closed (4.0 s"));
            Assert.False(File.Exists(Path.Combine(rec, "list-old.csv")));
        }
        finally
        {
            EngineHarness.KillStrayFfmpeg(root);
            Directory.Delete(root, true);
        }
    }

    private static string Md5(byte[] data) => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(data));

    private static IEnumerable<(string Type, int Offset)> TopLevelBoxes(byte[] data)
    {
        var offset = 0;
        while (offset + 8 <= data.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(data, offset + 4, 4);
            if (size == 1) size = (long)BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(offset + 8));
            if (size < 8) yield break;
            yield return (type, offset);
            offset += (int)size;
        }
    }

    private static async Task MakeFragmentedMp4Async(string path, int seconds)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15", "-f", "lavfi", "-i", "sine=sample_rate=8000",
                     "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "ultrafast", "-g", "15",
                     "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "48k",
                     "-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-y", path })
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, err);
    }
}
