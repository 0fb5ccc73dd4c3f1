using System.Buffers.Binary;

namespace CamShare.Core.Recording;

/// <summary>The verdict of <see cref="Mp4Structure.Check"/>.</summary>
/// <param name="Ok">The top-level boxes tile the file exactly and it holds media.</param>
/// <param name="Reason">What is wrong, for a person (empty when ok).</param>
public sealed record Mp4Verdict(bool Ok, string Reason);

/// <summary>
/// A cheap structural check of an MP4 (no decoding): every top-level box must end inside the file and the last
/// one exactly at its end, there must be a movie box, and at least one media data box with bytes in it. A segment
/// that a full disk truncated ("mdat ends past the end of the file") or that holds only headers fails.
/// </summary>
public static class Mp4Structure
{
    public static Mp4Verdict Check(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.RandomAccess);
        var length = file.Length;
        if (length < 8) return new(false, $"only {length} bytes");
        Span<byte> header = stackalloc byte[16];
        long offset = 0, mediaBytes = 0;
        var boxes = 0;
        bool movie = false, type = false;
        while (offset < length)
        {
            if (length - offset < 8) return new(false, $"{length - offset} stray bytes after the last box at {offset}");
            file.Position = offset;
            file.ReadExactly(header[..8]);
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var name = System.Text.Encoding.ASCII.GetString(header[4..8]);
            var headerSize = 8;
            if (size == 1)
            {
                if (length - offset < 16) return new(false, $"box '{name}' at {offset} is cut inside its header");
                file.ReadExactly(header[8..16]);
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(header[8..16]);
                headerSize = 16;
            }
            else if (size == 0)
            {
                size = length - offset; // "to the end of the file"
            }
            if (size < headerSize) return new(false, $"box '{name}' at {offset} has an impossible size {size}");
            if (offset + size > length)
                return new(false, $"box '{name}' at {offset} ends at {offset + size}, past the end of the file ({length} bytes): truncated");
            boxes++;
            switch (name)
            {
                case "ftyp": type = true; break;
                case "moov": movie = true; break;
                case "mdat": mediaBytes += size - headerSize; break;
            }
            offset += size;
        }
        if (!type) return new(false, "no 'ftyp' box: not an MP4 file");
        if (!movie) return new(false, "no 'moov' box");
        if (mediaBytes == 0) return new(false, $"no media (only {boxes} header boxes, {length} bytes)");
        return new(true, "");
    }

    /// <summary>
    /// For a segment cut off by a kill or a power cut: drops the incomplete box at the end (and a fragment header
    /// left without its media), so that what remains tiles exactly. Returns the bytes removed.
    /// </summary>
    public static long TrimIncompleteTail(string path)
    {
        long keep = 0, lastStart = -1;
        string lastName = "";
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.RandomAccess))
        {
            var length = file.Length;
            Span<byte> header = stackalloc byte[16];
            long offset = 0;
            while (length - offset >= 8)
            {
                file.Position = offset;
                file.ReadExactly(header[..8]);
                long size = BinaryPrimitives.ReadUInt32BigEndian(header);
                if (size == 1)
                {
                    if (length - offset < 16) break;
                    file.ReadExactly(header[8..16]);
                    size = (long)BinaryPrimitives.ReadUInt64BigEndian(header[8..16]);
                }
                else if (size == 0) size = length - offset;
                if (size < 8 || offset + size > length) break;
                lastStart = offset;
                lastName = System.Text.Encoding.ASCII.GetString(header[4..8]);
                offset += size;
                keep = offset;
            }
            if (lastName == "moof") keep = lastStart; // a fragment header whose media never arrived
            if (keep == length) return 0;
            var removed = length - keep;
            file.Close();
            using var write = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            write.SetLength(keep);
            write.Flush(flushToDisk: true);
            return removed;
        }
    }
}
