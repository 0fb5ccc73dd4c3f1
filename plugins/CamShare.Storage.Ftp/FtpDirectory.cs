using System.Text;

namespace CamShare.Storage.Ftp;

/// <summary>Lists one folder: MLSD where the server has it, else CWD + LIST -a parsed as Unix "ls -l" (+ MDTM).</summary>
internal static class FtpDirectory
{
    /// <summary>The folder's files and subfolders; empty when the folder does not exist.</summary>
    public static async Task<IReadOnlyList<FtpEntry>> ListAsync(FtpControlConnection c, string path, CancellationToken cancellationToken)
    {
        if (c.Features.Mlsd)
        {
            var lines = await ReadLinesAsync(c, "MLSD " + path, $"MLSD '{path}'", cancellationToken).ConfigureAwait(false);
            return lines is null ? [] : [.. lines.Select(FtpListing.ParseMlsd).OfType<FtpEntry>()];
        }
        // LIST's argument is passed to ls-like code that splits options from names: CWD first, then list ".".
        var cwd = await c.SendAsync("CWD " + path, cancellationToken).ConfigureAwait(false);
        if (!cwd.IsSuccess) return [];
        var listed = await ReadLinesAsync(c, "LIST -a", $"LIST '{path}'", cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var entries = new List<FtpEntry>();
        foreach (var line in listed ?? [])
        {
            if (FtpListing.ParseUnixList(line, now) is not { } entry) continue;
            if (!entry.IsDirectory && c.Features.Mdtm)
            {
                // LIST times have minutes at best (days for old files): ask for the exact one.
                var exact = await FtpTransfers.ModifiedAsync(c, path.TrimEnd('/') + "/" + entry.Name, cancellationToken).ConfigureAwait(false);
                if (exact is not null) entry = entry with { Modified = exact, ExactTime = true };
            }
            entries.Add(entry);
        }
        return entries;
    }

    /// <summary>The lines a listing command sent over its data connection; null when the folder is missing (550).</summary>
    private static async Task<List<string>?> ReadLinesAsync(FtpControlConnection c, string command, string what,
        CancellationToken cancellationToken)
    {
        Stream data;
        try
        {
            data = await c.OpenDataAsync(command, FtpAction.Read, what, cancellationToken).ConfigureAwait(false);
        }
        catch (CamShare.Abstractions.StorageNotFoundException)
        {
            return null;
        }
        var lines = new List<string>();
        try
        {
            using var reader = new StreamReader(data, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false,
                bufferSize: 16 * 1024, leaveOpen: true);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                if (line.Length > 0) lines.Add(line);
        }
        catch
        {
            c.MarkBroken();
            await data.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await c.FinishTransferAsync(data, upload: false, FtpAction.Read, what, cancellationToken).ConfigureAwait(false);
        return lines;
    }
}
