using System.Net;
using CamShare.Testing;

namespace CamShare.Storage.S3.Tests;

/// <summary>One scripted HTTP answer.</summary>
public sealed record FakeReply(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static FakeReply Error(int status, string code, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>scripted {code}</Message>" +
                    "<RequestId>fake</RequestId></Error>", headers);
}

/// <summary>
/// A scripted HTTP server on 127.0.0.1 for what a real S3 server will not do on request: throttle, fail with
/// 5xx, lie about an ETag or a size, list unfinished multipart uploads. It answers every request with
/// <c>answer(method, pathAndQuery, body)</c> and records each as "METHOD pathAndQuery".
/// </summary>
public sealed class FakeS3Server : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<string, string, byte[], FakeReply> _answer;
    private readonly Task _loop;
    private int _requests;
    private readonly List<string> _log = [];
    private readonly SemaphoreSlim _arrived = new(0);

    public FakeS3Server(Func<string, string, byte[], FakeReply> answer)
    {
        _answer = answer;
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }
    public string Endpoint => $"http://127.0.0.1:{Port}";
    public int Requests => Volatile.Read(ref _requests);

    public IReadOnlyList<string> Log { get { lock (_log) return [.. _log]; } }

    /// <summary>Waits until a request line matching <paramref name="match"/> has arrived.</summary>
    public async Task WaitForRequestAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!Log.Any(match))
            await _arrived.WaitAsync(cts.Token);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            Interlocked.Increment(ref _requests);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var pathAndQuery = context.Request.Url!.PathAndQuery;
            lock (_log) _log.Add($"{context.Request.HttpMethod} {pathAndQuery}");
            var reply = _answer(context.Request.HttpMethod, pathAndQuery, body.ToArray());
            var response = context.Response;
            response.StatusCode = reply.Status;
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) response.ContentLength64 = long.Parse(value);
                else response.Headers[name] = value;
            if (context.Request.HttpMethod != "HEAD" && reply.Body.Length > 0)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(reply.Body);
                response.ContentType = "application/xml";
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
            }
            response.Close();
            _arrived.Release();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
