using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace CamShare.Storage.GoogleDrive.Tests.Emulator;

/// <summary>
/// An emulator of the Drive v3 REST subset the plugin uses, written from Google's public documentation and checked
/// against Drive's discovery document, served by Kestrel on 127.0.0.1 with a random port: files.create (metadata and
/// uploadType=resumable with 308 Resume Incomplete and Range), files.update (metadata and media), files.list (q,
/// pageToken, fields), files.get (alt=media too), files.delete, permissions.create/list, the OAuth token and consent
/// endpoints. It reproduces what real Drive does that a client must survive (see <see cref="Faults"/>).
/// </summary>
public sealed partial class DriveEmulator : IAsyncDisposable
{
    public const string RootId = "root-folder-0001";

    private readonly ConcurrentDictionary<string, StoredItem> _items = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UploadSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Signature, int Offset)> _pageTokens = new(StringComparer.Ordinal);
    private readonly object _write = new();
    private readonly DiscoveryDocument _discovery = DiscoveryDocument.Load();
    private readonly string _contentDir = Directory.CreateTempSubdirectory("camshare-drive-emulator-").FullName;
    private WebApplication? _app;
    private long _counter;

    public DriveEmulator()
    {
        var now = DateTimeOffset.UtcNow;
        _items[RootId] = new StoredItem
        {
            Id = RootId, Name = "CamShare", MimeType = StoredItem.FolderMimeType, CreatedTime = now, ModifiedTime = now,
            ListedFrom = now,
        };
    }

    /// <summary>http://127.0.0.1:PORT/ once started.</summary>
    public string BaseUrl { get; private set; } = "";

    public string ApiBaseUrl => BaseUrl + "drive/v3/";
    public string TokenEndpoint => BaseUrl + "token";
    public string AuthorizationEndpoint => BaseUrl + "o/oauth2/auth";

    /// <summary>Failure modes to reproduce (all off by default).</summary>
    public EmulatorFaults Faults { get; } = new();

    /// <summary>Every request, in arrival order: "METHOD path?query [Content-Range]".</summary>
    public ConcurrentQueue<string> RequestLog { get; } = new();

    /// <summary>How long files.list takes to show a newly created item (Drive's eventual consistency).</summary>
    public TimeSpan ListDelay { get; set; }

    /// <summary>Lets files.list catch up: everything created so far becomes visible now.</summary>
    public void CatchUpListing()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var item in _items.Values)
            if (item.ListedFrom > now) item.ListedFrom = now;
    }

    /// <summary>Quota in bytes for all file content; null is unlimited.</summary>
    public long? StorageQuotaBytes { get; set; }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        var address = _app.Urls.First();
        BaseUrl = address.TrimEnd('/') + "/";
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        try { Directory.Delete(_contentDir, recursive: true); } catch (IOException) { }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        RequestLog.Enqueue($"{request.Method} {request.Path}{request.QueryString} {request.Headers["Content-Range"]}".TrimEnd());
        try
        {
            var path = request.Path.Value ?? "/";
            if (path == "/token") await TokenAsync(context);
            else if (path == "/o/oauth2/auth") Consent(context);
            else if (path == "/uc") await PublicDownloadAsync(context);
            else if (request.Query.ContainsKey("upload_id")) await SessionAsync(context);
            else if (path.StartsWith("/upload/drive/v3/", StringComparison.Ordinal))
                await InitiateUploadAsync(context, path["/upload/drive/v3/".Length..]);
            else if (path.StartsWith("/resumable/upload/drive/v3/", StringComparison.Ordinal))
                await InitiateUploadAsync(context, path["/resumable/upload/drive/v3/".Length..]);
            else if (path.StartsWith("/drive/v3/", StringComparison.Ordinal))
                await ApiAsync(context, path["/drive/v3/".Length..]);
            else throw new EmulatorError(404, "Not Found", "notFound");
        }
        catch (EmulatorError error)
        {
            await WriteErrorAsync(context, error);
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, EmulatorError error)
    {
        if (context.Response.HasStarted) { context.Abort(); return; }
        context.Response.StatusCode = error.Status;
        if (error.RetryAfter is not null) context.Response.Headers.RetryAfter = error.RetryAfter;
        if (error.Status == 401) context.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
        await WriteJsonAsync(context, error.ToJson());
    }

    private static async Task WriteJsonAsync(HttpContext context, JsonNode? json)
    {
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(json?.ToJsonString() ?? "{}");
    }

    private string NewId(string kind) => $"{kind}{Interlocked.Increment(ref _counter):D6}{Guid.NewGuid():N}"[..28];

    // ----- test helpers: seeding and looking at the state directly -----

    /// <summary>Creates a folder directly (e.g. a duplicate another client made), with the given creation time.</summary>
    public string SeedFolder(string parentId, string name, DateTimeOffset createdTime)
    {
        var id = NewId("fold");
        _items[id] = new StoredItem
        {
            Id = id, Name = name, MimeType = StoredItem.FolderMimeType, Parents = [parentId], CreatedTime = createdTime,
            ModifiedTime = createdTime, ListedFrom = createdTime,
        };
        return id;
    }

    /// <summary>The non-trashed children of a folder with this name (folders and files).</summary>
    public IReadOnlyList<(string Id, string Name, bool IsFolder, bool Trashed)> Children(string parentId) =>
        _items.Values.Where(i => i.Parents.Contains(parentId))
            .Select(i => (i.Id, i.Name, i.IsFolder, i.Trashed)).ToList();

    /// <summary>The upload sessions opened so far.</summary>
    internal IReadOnlyList<UploadSession> Sessions => _sessions.Values.OrderBy(s => s.Sequence).ToList();

    /// <summary>A mark for <see cref="SessionsSince"/>.</summary>
    public long Mark => Interlocked.Read(ref _counter);

    /// <summary>The sessions opened after <paramref name="mark"/> that still exist (expired ones are gone).</summary>
    internal IReadOnlyList<UploadSession> SessionsSince(long mark) => Sessions.Where(s => s.Sequence > mark).ToList();

    /// <summary>How many sessions the emulator expired.</summary>
    public int ExpiredSessions { get; internal set; }

    /// <summary>The e-mail addresses (or "anyone") with a permission on an item.</summary>
    public IReadOnlyList<string> Grantees(string id) =>
        _items.TryGetValue(id, out var item)
            ? item.Permissions.Select(p => (string?)p["emailAddress"] ?? (string)p["type"]!).ToList()
            : [];
}
