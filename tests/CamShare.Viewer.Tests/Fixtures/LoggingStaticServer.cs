using System.Collections.Concurrent;
using System.Text;
using CamShare.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace CamShare.Viewer.Tests.Fixtures;

/// <summary>
/// A real HTTP server (Kestrel) on 127.0.0.1 and a free port, serving a folder read-only, like a storage's public
/// URL. It logs every request line and every header, so tests can prove what reached it and what did not.
/// </summary>
internal sealed class LoggingStaticServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _log = new();

    private LoggingStaticServer(WebApplication app, Uri origin)
    {
        _app = app;
        Origin = origin;
    }

    /// <summary>http://127.0.0.1:PORT (no trailing slash).</summary>
    public Uri Origin { get; }

    /// <summary>Every request so far: its request line, then one line per header, then a blank line.</summary>
    public string Log => string.Concat(_log);

    /// <summary>The request targets (path and query) seen so far.</summary>
    public List<string> Targets { get; } = [];

    public static async Task<LoggingStaticServer> StartAsync(string root)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var server = new LoggingStaticServer(app, new Uri($"http://127.0.0.1:{port}"));
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var line = new StringBuilder($"{request.Method} {request.Path.ToUriComponent()}{request.QueryString} {request.Protocol}\n");
            var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
            if (rawTarget is not null) line.Append($"raw-target: {rawTarget}\n");
            foreach (var (name, values) in request.Headers) line.Append($"{name}: {values}\n");
            server._log.Enqueue(line.Append('\n').ToString());
            lock (server.Targets) server.Targets.Add(rawTarget ?? request.Path.ToString());
            context.Response.Headers.CacheControl = "no-cache";
            await next();
        });
        var files = new PhysicalFileProvider(root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ServeUnknownFileTypes = true,
            DefaultContentType = "application/octet-stream",
        });
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
