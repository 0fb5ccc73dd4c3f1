using System.Globalization;
using System.Net;
using CamShare.Viewer;

namespace CamShare.Cli.Serving;

/// <summary>
/// A read-only HTTP server for one folder (the local storage): GET and HEAD of files only, no listing, no
/// writes, no server-side state. Enough for the viewer on a LAN: view.html, the index objects and the segments
/// (the key stays in the browser's fragment; the requests carry only object paths).
/// </summary>
internal sealed class StaticFolderServer(string root, string address, int port, TextWriter log) : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root = Path.GetFullPath(root);

    public Uri Url => new($"http://{(address is "*" or "0.0.0.0" ? "127.0.0.1" : address)}:{port}/");

    public void Start()
    {
        _listener.Prefixes.Add($"http://{(address == "0.0.0.0" ? "*" : address)}:{port}/");
        _listener.Start();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var stop = cancellationToken.Register(_listener.Stop);
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => ServeAsync(context), CancellationToken.None);
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var status = 200;
        // Read before the response closes (it disposes the request). The path only: the viewing key lives in
        // the fragment, which browsers never send.
        var line = $"{request.RemoteEndPoint} {request.HttpMethod} {request.RawUrl}";
        try
        {
            response.Headers["X-Content-Type-Options"] = "nosniff";
            response.Headers["Referrer-Policy"] = "no-referrer";
            if (request.HttpMethod is not ("GET" or "HEAD"))
            {
                status = 405;
                response.Headers["Allow"] = "GET, HEAD";
                return;
            }
            var file = SafeFilePath.Resolve(_root, request.RawUrl ?? "");
            if (file is null)
            {
                status = 404;
                return;
            }
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true);
            response.ContentType = ContentTypeOf(file);
            // The index changes every segment; nothing here may be kept stale by a browser or proxy.
            response.Headers["Cache-Control"] = "no-cache";
            response.ContentLength64 = stream.Length;
            if (request.HttpMethod == "GET") await stream.CopyToAsync(response.OutputStream).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpListenerException)
        {
            status = 404; // gone between the check and the read; after the headers went out, the close cuts it short
        }
        finally
        {
            try
            {
                if (status != 200) response.StatusCode = status;
                response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or InvalidOperationException or ObjectDisposedException) { }
            lock (log) log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} {line} {status}"));
        }
    }

    internal static string ContentTypeOf(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".html" => ViewerPage.ContentType,
        ".mp4" => "video/mp4",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };

    public void Dispose() => ((IDisposable)_listener).Dispose();
}
