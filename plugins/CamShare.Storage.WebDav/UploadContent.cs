using System.Buffers;
using System.Net;
using CamShare.Abstractions;

namespace CamShare.Storage.WebDav;

/// <summary>
/// A request body that streams an <see cref="UploadSource"/> with a Content-Length: it opens the source when the
/// request is sent (so a retried request gets a fresh stream), copies it in 128 KiB chunks, reports progress,
/// and pushes the stall timer back after every chunk the server accepted.
/// </summary>
internal sealed class UploadContent : HttpContent
{
    private const int ChunkSize = 128 * 1024;
    private readonly UploadSource _source;
    private readonly IProgress<TransferProgress>? _progress;
    private readonly CancellationTokenSource _stall;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _cancellationToken;

    public UploadContent(UploadSource source, IProgress<TransferProgress>? progress, CancellationTokenSource stall,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        _source = source;
        _progress = progress;
        _stall = stall;
        _timeout = timeout;
        _cancellationToken = cancellationToken;
        Headers.ContentLength = source.Length;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
    }

    /// <summary>Bytes handed to the connection by the last send.</summary>
    public long BytesSent { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, _stall.Token);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context,
        CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stall.Token, _cancellationToken);
        var token = linked.Token;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            Stream input;
            try
            {
                input = await _source.OpenAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new SourceReadException(ex);
            }
            await using (input.ConfigureAwait(false))
            {
                long sent = 0;
                BytesSent = 0;
                while (sent < _source.Length)
                {
                    int read;
                    try
                    {
                        var want = (int)Math.Min(ChunkSize, _source.Length - sent);
                        read = await input.ReadAsync(buffer.AsMemory(0, want), token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        throw new SourceReadException(ex);
                    }
                    if (read == 0)
                        throw new SourceReadException(new EndOfStreamException(
                            $"the content ended after {sent} of {_source.Length} bytes"));
                    await stream.WriteAsync(buffer.AsMemory(0, read), token).ConfigureAwait(false);
                    sent += read;
                    BytesSent = sent;
                    _stall.CancelAfter(_timeout);
                    _progress?.Report(new TransferProgress(sent, _source.Length));
                }
                if (_source.Length == 0) _progress?.Report(new TransferProgress(0, 0));
                await stream.FlushAsync(token).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _source.Length;
        return true;
    }
}
