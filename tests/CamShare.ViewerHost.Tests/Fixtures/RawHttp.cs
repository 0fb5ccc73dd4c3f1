using System.Net.Sockets;
using System.Text;

namespace CamShare.ViewerHost.Tests.Fixtures;

/// <summary>One HTTP/1.1 request sent byte for byte (no client-side path normalisation), and its response.</summary>
internal static class RawHttp
{
    public sealed record Response(int Status, string Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);
        public string? Header(string name) => Headers.Split("\r\n").Skip(1)
            .Select(l => l.Split(':', 2)).FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))?[1].Trim();
    }

    public static async Task<Response> SendAsync(Uri server, string method, string rawPath, string? body = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        var content = body is null ? "" : body;
        var request = $"{method} {rawPath} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n" +
            (body is null ? "" : $"Content-Length: {Encoding.UTF8.GetByteCount(content)}\r\n") + "\r\n" + content;
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer).WaitAsync(TimeSpan.FromSeconds(30));
        var bytes = buffer.ToArray();
        var split = IndexOf(bytes, "\r\n\r\n"u8);
        if (split < 0) throw new InvalidOperationException($"no HTTP response to {method} {rawPath}: {Encoding.UTF8.GetString(bytes)}");
        var headers = Encoding.ASCII.GetString(bytes, 0, split);
        var status = int.Parse(headers.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return new Response(status, headers, bytes[(split + 4)..]);
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
