using System.Text;

namespace CamShare.Storage.Ftp;

/// <summary>One server reply (RFC 959 §4.2): a three-digit code and its text, possibly over several lines.</summary>
internal sealed record FtpReply(int Code, IReadOnlyList<string> Lines)
{
    public bool IsPreliminary => Code is >= 100 and < 200;
    public bool IsSuccess => Code is >= 200 and < 300;
    public bool IsIntermediate => Code is >= 300 and < 400;

    /// <summary>The text of the first line after the code.</summary>
    public string Message => Lines.Count == 0 ? "" : Lines[0].Length > 4 ? Lines[0][4..].Trim() : "";

    public override string ToString() => $"{Code} {Message}";
}

/// <summary>Reads CRLF-terminated lines and whole (multi-line) replies from the control connection.</summary>
internal sealed class FtpReplyReader(Stream stream)
{
    private const int MaxLineBytes = 64 * 1024;
    private static readonly Encoding Utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    /// <summary>Reads one reply; a multi-line reply ("123-" … "123 ") is returned whole.</summary>
    public async Task<FtpReply> ReadAsync(CancellationToken cancellationToken)
    {
        var first = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (first.Length < 3 || !int.TryParse(first.AsSpan(0, 3), out var code) || code < 100)
            throw new FtpProtocolException($"the server sent something that is not an FTP reply: '{Cut(first)}'");
        var lines = new List<string> { first };
        if (first.Length > 3 && first[3] == '-')
        {
            var end = first[..3] + " ";
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                lines.Add(line);
                if (line.StartsWith(end, StringComparison.Ordinal) || line == first[..3]) break;
                if (lines.Count > 10_000) throw new FtpProtocolException("a multi-line reply does not end");
            }
        }
        return new FtpReply(code, lines);
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                if (_end == 0) throw new FtpConnectionClosedException("the server closed the control connection");
            }
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            for (var i = _start; i < stop; i++) line.Add(_buffer[i]);
            _start = newline < 0 ? _end : newline + 1;
            if (newline >= 0) break;
            if (line.Count > MaxLineBytes) throw new FtpProtocolException("a reply line is longer than 64 KiB");
        }
        if (line.Count > 0 && line[^1] == '\r') line.RemoveAt(line.Count - 1);
        var bytes = line.ToArray();
        try
        {
            return Utf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes); // an old server's names in a legacy code page
        }
    }

    private static string Cut(string text) => text.Length > 80 ? text[..80] + "…" : text;
}

/// <summary>The server broke the protocol (not an FTP reply, a reply without the expected part).</summary>
internal sealed class FtpProtocolException(string message) : IOException(message);

/// <summary>The control connection ended (the server closed it, often after an idle timeout).</summary>
internal sealed class FtpConnectionClosedException(string message) : IOException(message);
