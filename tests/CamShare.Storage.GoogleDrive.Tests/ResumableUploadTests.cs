using CamShare.Storage.GoogleDrive.Tests.Fixtures;
using Xunit;
using static CamShare.Storage.GoogleDrive.Tests.Content;

namespace CamShare.Storage.GoogleDrive.Tests;

/// <summary>The resumable protocol under the failures real Drive produces: a cut connection, a short 308 Range,
/// an expired session. Chunks are 1 MiB.</summary>
public sealed class ResumableUploadTests(DriveEmulatorFixture fixture) : IClassFixture<DriveEmulatorFixture>
{
    private const long Length = (6L << 20) + 12345;
    private const long Chunk = 1L << 20;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connection_cut_mid_chunk_resumes_from_what_Drive_kept_not_from_byte_0(bool seekable)
    {
        using var provider = fixture.Create();
        var key = $"resume-{seekable}/cut.mp4";
        var source = seekable ? await FileAsync(fixture.Home, Length, 11) : Generated(Length, 11);
        var mark = fixture.Emulator.Mark;
        fixture.Emulator.Faults.CutConnectionAtSessionByte = (5 * Chunk / 2) + 1000; // inside the third chunk

        var stored = await provider.PutAsync(key, source, null, Timeout());

        Assert.Null(fixture.Emulator.Faults.CutConnectionAtSessionByte); // the cut happened
        Assert.Equal(Length, stored.Size);
        Assert.Equal(Md5(Length, 11), stored.FindChecksum("md5")!.Hex);
        Assert.Equal(Md5(Length, 11), await Md5Async(provider, key));
        var session = Assert.Single(fixture.Emulator.SessionsSince(mark));
        // One session; after the cut the upload went on at 2 MiB (the whole 256 KiB units Drive kept), not at 0.
        Assert.Equal(1, session.ChunkStarts.Count(s => s == 0));
        Assert.Contains(2 * Chunk, session.ChunkStarts.Skip(2));
        // Bytes on the wire: the object once, plus only the part of the cut chunk Drive did not keep.
        Assert.InRange(session.BytesOnWire, Length, Length + Chunk);
        Assert.Contains(fixture.Emulator.RequestLog, line => line.EndsWith($"bytes */{(seekable ? Length.ToString() : "*")}"));
    }

    [Fact]
    public async Task A_308_that_acknowledges_less_than_was_sent_makes_the_client_resend_the_rest()
    {
        using var provider = fixture.Create();
        var mark = fixture.Emulator.Mark;
        fixture.Emulator.Faults.ShortAcknowledgements = 2;

        var stored = await provider.PutAsync("short-ack/seg.mp4", Generated(Length, 12), null, Timeout());

        Assert.Equal(0, fixture.Emulator.Faults.ShortAcknowledgements);
        Assert.Equal(Md5(Length, 12), stored.FindChecksum("md5")!.Hex);
        Assert.Equal(Md5(Length, 12), await Md5Async(provider, "short-ack/seg.mp4"));
        var session = Assert.Single(fixture.Emulator.SessionsSince(mark));
        // A chunk started where the short Range ended (768 KiB into the first chunk), not at a chunk boundary.
        Assert.True(session.ChunkStarts.Any(s => s % Chunk == 3 * Chunk / 4), string.Join(",", session.ChunkStarts));
    }

    [Fact]
    public async Task An_expired_session_404_restarts_the_upload_in_a_new_session()
    {
        using var provider = fixture.Create();
        var mark = fixture.Emulator.Mark;
        fixture.Emulator.Faults.ExpireSessionAtByte = 3 * Chunk;

        var stored = await provider.PutAsync("expired/seg.mp4", Generated(Length, 13), null, Timeout());

        Assert.Null(fixture.Emulator.Faults.ExpireSessionAtByte);
        Assert.Equal(Length, stored.Size);
        Assert.Equal(Md5(Length, 13), await Md5Async(provider, "expired/seg.mp4"));
        var session = Assert.Single(fixture.Emulator.SessionsSince(mark)); // the expired one is gone, the new one finished
        Assert.Equal(0, session.ChunkStarts[0]); // the new session started over
        Assert.True(fixture.Emulator.ExpiredSessions >= 1);
        var listed = await provider.ListAsync("expired/", Timeout()).ToListAsync(Timeout());
        Assert.Single(listed);
    }

    [Fact]
    public async Task Progress_ends_at_the_full_length()
    {
        using var provider = fixture.Create();
        var reports = new List<CamShare.Abstractions.TransferProgress>();
        await provider.PutAsync("progress/seg.mp4", Generated(Length, 14), new SyncProgress(reports.Add), Timeout());
        Assert.True(reports.Count >= 6, $"{reports.Count} reports");
        Assert.Equal(Length, reports[^1].BytesTransferred);
    }

    private sealed class SyncProgress(Action<CamShare.Abstractions.TransferProgress> report)
        : IProgress<CamShare.Abstractions.TransferProgress>
    {
        public void Report(CamShare.Abstractions.TransferProgress value)
        {
            lock (this) report(value);
        }
    }
}
