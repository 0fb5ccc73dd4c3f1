using CamShare.Abstractions;

namespace CamShare.Storage.Ftp;

/// <summary>The commands that move or describe one object, on a connection the caller holds.</summary>
internal static class FtpTransfers
{
    private const int BufferSize = 256 * 1024;

    /// <summary>STOR: streams the source to <paramref name="path"/> and waits for the server's 226.</summary>
    public static async Task StoreAsync(FtpControlConnection connection, string path, UploadSource source,
        IProgress<TransferProgress>? progress, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var what = $"STOR '{path}'";
        var data = await connection.OpenDataAsync("STOR " + path, FtpAction.Write, what, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var content = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[BufferSize];
            long sent = 0;
            progress?.Report(new TransferProgress(0, source.Length));
            while (true)
            {
                int read;
                try
                {
                    read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw new SourceReadException(ex);
                }
                if (read == 0) break;
                using (var step = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    step.CancelAfter(timeout); // no progress for this long: the server or the network is stuck
                    await data.WriteAsync(buffer.AsMemory(0, read), step.Token).ConfigureAwait(false);
                }
                sent += read;
                progress?.Report(new TransferProgress(sent, source.Length));
            }
        }
        catch
        {
            connection.MarkBroken(); // the server still waits for the data: this control connection is done for
            await data.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await connection.FinishTransferAsync(data, upload: true, FtpAction.Write, what, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Size and time of the file at <paramref name="path"/>; null when there is no file there.</summary>
    public static async Task<FtpEntry?> StatAsync(FtpControlConnection connection, string path, CancellationToken cancellationToken)
    {
        if (connection.Features.Mlsd)
        {
            var mlst = await connection.SendAsync("MLST " + path, cancellationToken).ConfigureAwait(false);
            if (mlst.Code == 550) return null;
            if (mlst.IsSuccess)
            {
                var facts = mlst.Lines.Skip(1).FirstOrDefault(l => l.StartsWith(' '));
                var entry = facts is null ? null : FtpListing.ParseMlsd(facts.TrimStart());
                return entry is { IsDirectory: false } ? entry : null;
            }
            throw FtpErrors.FromReply(mlst, FtpAction.Read, $"MLST '{path}'", connection.Redactor);
        }
        var size = await connection.SendAsync("SIZE " + path, cancellationToken).ConfigureAwait(false);
        if (size.Code == 550) return null; // missing, or a folder
        if (size.Code != 213 || !long.TryParse(size.Message, out var length))
            throw FtpErrors.FromReply(size, FtpAction.Read, $"SIZE '{path}'", connection.Redactor);
        return new FtpEntry(StorageKeys.NameOf(path.TrimStart('/')), false, length,
            await ModifiedAsync(connection, path, cancellationToken).ConfigureAwait(false), true);
    }

    /// <summary>MDTM (RFC 3659 §3), when the server has it.</summary>
    public static async Task<DateTimeOffset?> ModifiedAsync(FtpControlConnection connection, string path, CancellationToken cancellationToken)
    {
        if (!connection.Features.Mdtm) return null;
        var mdtm = await connection.SendAsync("MDTM " + path, cancellationToken).ConfigureAwait(false);
        return mdtm.Code == 213 ? FtpListing.ParseTimeVal(mdtm.Message) : null;
    }
}
