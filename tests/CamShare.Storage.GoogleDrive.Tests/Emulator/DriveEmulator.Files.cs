using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace CamShare.Storage.GoogleDrive.Tests.Emulator;

// files.* and permissions.* (metadata), as the discovery document describes them.
public sealed partial class DriveEmulator
{
    private static readonly Dictionary<string, string> DefaultFields = new()
    {
        ["File"] = "kind,id,name,mimeType",
        ["FileList"] = "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)",
        ["Permission"] = "kind,id,type,role",
        ["PermissionList"] = "kind,nextPageToken,permissions(kind,id,type,role)",
    };

    private static readonly string[] OrderKeys =
        ["createdTime", "folder", "modifiedByMeTime", "modifiedTime", "name", "name_natural", "quotaBytesUsed", "recency",
         "sharedWithMeTime", "starred", "viewedByMeTime"];

    private async Task ApiAsync(HttpContext context, string relativePath)
    {
        var (method, values) = _discovery.Resolve(context.Request.Method, relativePath, upload: false);
        _discovery.ValidateQuery(method, context.Request.Query);
        RequireBearer(context);
        ThrowInjectedError();
        var mask = Mask(context, method.ResponseSchema);
        if (context.Request.Query["alt"] == "media" && method.Id != "files.get")
            throw EmulatorError.BadRequest("alt=media is only for files.get", "badRequest", "alt");
        switch (method.Id)
        {
            case "files.list":
                await WriteJsonAsync(context, mask!.Apply(List(context.Request.Query)));
                break;
            case "files.get":
                var item = Find(values["fileId"]);
                if (context.Request.Query["alt"] == "media") await DownloadAsync(context, item);
                else await WriteJsonAsync(context, mask!.Apply(item.ToJson(BaseUrl)));
                break;
            case "files.create":
                await WriteJsonAsync(context, mask!.Apply(CreateFromMetadata(await BodyAsync(context, "File")).ToJson(BaseUrl)));
                break;
            case "files.update":
                await WriteJsonAsync(context, mask!.Apply(UpdateMetadata(Find(values["fileId"]), await BodyAsync(context, "File")).ToJson(BaseUrl)));
                break;
            case "files.delete":
                Delete(Find(values["fileId"]));
                context.Response.StatusCode = 204;
                break;
            case "permissions.create":
                await WriteJsonAsync(context, mask!.Apply(Grant(Find(values["fileId"]), await BodyAsync(context, "Permission"),
                    context.Request.Query)));
                break;
            case "permissions.list":
                var target = Find(values["fileId"]);
                await WriteJsonAsync(context, mask!.Apply(new JsonObject
                {
                    ["kind"] = "drive#permissionList",
                    ["permissions"] = new JsonArray(target.Permissions.Select(p => (JsonNode)p.DeepClone()).ToArray()),
                }));
                break;
            default:
                throw new EmulatorError(501, $"{method.Id} is not emulated", "notImplemented");
        }
    }

    private void ThrowInjectedError()
    {
        if (!Faults.TryTakeError(out var e)) return;
        var domain = e.Reason.Contains("RateLimit", StringComparison.OrdinalIgnoreCase) ? "usageLimits" : "global";
        throw new EmulatorError(e.Status, $"Injected: {e.Reason}", e.Reason, null, domain)
        {
            RetryAfter = e.RetryAfterSeconds?.ToString(CultureInfo.InvariantCulture),
        };
    }

    private FieldMask? Mask(HttpContext context, string? schema)
    {
        if (schema is null) return null;
        var text = context.Request.Query.TryGetValue("fields", out var f) ? f.ToString() : DefaultFields[schema];
        return FieldMask.Parse(text, schema, _discovery);
    }

    private async Task<JsonObject> BodyAsync(HttpContext context, string schema)
    {
        if (context.Request.ContentLength is 0 or null && !context.Request.Headers.ContainsKey("Transfer-Encoding")) return [];
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (System.Text.Json.JsonException)
        {
            throw EmulatorError.BadRequest("Invalid JSON payload received.", "parseError");
        }
        if (node is not JsonObject body) throw EmulatorError.BadRequest("Invalid JSON payload received.", "parseError");
        _discovery.ValidateBody(schema, body);
        return body;
    }

    private StoredItem Find(string id) =>
        _items.TryGetValue(id, out var item) ? item : throw EmulatorError.NotFound(id);

    private JsonObject List(IQueryCollection query)
    {
        var q = query["q"].ToString();
        var filter = q.Length == 0 ? (_ => true) : DriveQueryLanguage.Compile(q);
        var orderBy = query["orderBy"].ToString();
        var pageSize = query.TryGetValue("pageSize", out var ps) ? int.Parse(ps.ToString(), CultureInfo.InvariantCulture) : 100;
        var signature = q + "\n" + orderBy;
        var offset = 0;
        if (query.TryGetValue("pageToken", out var token))
        {
            if (!_pageTokens.TryGetValue(token.ToString(), out var saved) || saved.Signature != signature)
                throw EmulatorError.BadRequest("Invalid Value", "invalid", "pageToken");
            offset = saved.Offset;
        }
        var now = DateTimeOffset.UtcNow;
        IEnumerable<StoredItem> matches = _items.Values.Where(i => i.Id != RootId && i.ListedFrom <= now && filter(i));
        matches = Order(matches, orderBy);
        var page = matches.Skip(offset).Take(pageSize + 1).ToList();
        var result = new JsonObject
        {
            ["kind"] = "drive#fileList",
            ["incompleteSearch"] = false,
            ["files"] = new JsonArray(page.Take(pageSize).Select(i => (JsonNode)i.ToJson(BaseUrl)).ToArray()),
        };
        if (page.Count > pageSize)
        {
            var next = "~!!~" + Guid.NewGuid().ToString("N");
            _pageTokens[next] = (signature, offset + pageSize);
            result["nextPageToken"] = next;
        }
        return result;
    }

    private static IEnumerable<StoredItem> Order(IEnumerable<StoredItem> items, string orderBy)
    {
        IOrderedEnumerable<StoredItem>? ordered = null;
        foreach (var part in orderBy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!OrderKeys.Contains(words[0]) || words.Length > 2 || words.Length == 2 && words[1] != "desc")
                throw EmulatorError.BadRequest("Invalid Value", "invalid", "orderBy");
            Func<StoredItem, object> key = words[0] switch
            {
                "createdTime" => i => i.CreatedTime,
                "modifiedTime" => i => i.ModifiedTime,
                "name" or "name_natural" => i => i.Name,
                "folder" => i => i.IsFolder ? 0 : 1,
                _ => i => i.Id,
            };
            var desc = words.Length == 2;
            ordered = ordered is null
                ? desc ? items.OrderByDescending(key) : items.OrderBy(key)
                : desc ? ordered.ThenByDescending(key) : ordered.ThenBy(key);
        }
        // Drive's default order is unspecified; a fixed one keeps paging stable.
        return ordered?.ThenBy(i => i.Id, StringComparer.Ordinal) ?? items.OrderBy(i => i.Id, StringComparer.Ordinal);
    }

    private StoredItem CreateFromMetadata(JsonObject body)
    {
        var mimeType = (string?)body["mimeType"] ?? "application/octet-stream";
        if (mimeType != StoredItem.FolderMimeType)
            throw EmulatorError.BadRequest("This emulator creates files only with uploadType=resumable.", "badRequest");
        var parents = ParentsOf(body);
        var now = DateTimeOffset.UtcNow;
        var item = new StoredItem
        {
            Id = NewId("fold"), Name = (string?)body["name"] ?? "Untitled", MimeType = mimeType, Parents = parents,
            CreatedTime = now, ModifiedTime = now, ListedFrom = now + ListDelay,
        };
        _items[item.Id] = item;
        return item;
    }

    private List<string> ParentsOf(JsonObject body)
    {
        var parents = body["parents"] is JsonArray array ? array.Select(p => (string)p!).ToList() : [RootId];
        if (parents.Count != 1) throw EmulatorError.BadRequest("A file can have only one parent.", "cannotAddParent");
        var parent = Find(parents[0]);
        if (!parent.IsFolder) throw EmulatorError.BadRequest("The parent is not a folder.", "invalidParent");
        return parents;
    }

    private StoredItem UpdateMetadata(StoredItem item, JsonObject body)
    {
        lock (_write)
        {
            if (body["name"] is { } name) item.Name = (string)name!;
            if (body["trashed"] is { } trashed) item.Trashed = trashed.GetValue<bool>();
            item.ModifiedTime = DateTimeOffset.UtcNow;
            item.Version++;
        }
        return item;
    }

    private void Delete(StoredItem item)
    {
        if (item.Id == RootId) throw new EmulatorError(403, "The root folder cannot be deleted.", "cannotDeleteRoot");
        foreach (var child in _items.Values.Where(i => i.Parents.Contains(item.Id)).ToList()) Delete(child);
        _items.TryRemove(item.Id, out _);
        if (item.ContentPath is not null) File.Delete(item.ContentPath);
    }

    private JsonObject Grant(StoredItem item, JsonObject body, IQueryCollection query)
    {
        var type = (string?)body["type"];
        var role = (string?)body["role"];
        if (type is not ("user" or "group" or "domain" or "anyone"))
            throw EmulatorError.BadRequest("The permission type field is required.", "required", "permission.type");
        if (role is not ("owner" or "organizer" or "fileOrganizer" or "writer" or "commenter" or "reader"))
            throw EmulatorError.BadRequest("The permission role field is required.", "required", "permission.role");
        if (type is "user" or "group" && string.IsNullOrEmpty((string?)body["emailAddress"]))
            throw EmulatorError.BadRequest("The permission emailAddress field is required.", "required", "permission.emailAddress");
        if (type is "anyone" or "domain" && query.ContainsKey("sendNotificationEmail"))
            throw EmulatorError.BadRequest("sendNotificationEmail is only allowed for user and group permissions.",
                "invalidSharingRequest");
        var permission = new JsonObject
        {
            ["kind"] = "drive#permission",
            ["id"] = type == "anyone" ? "anyoneWithLink" : NewId("perm"),
            ["type"] = type,
            ["role"] = role,
        };
        if (body["emailAddress"] is { } email) permission["emailAddress"] = email.DeepClone();
        if (body["allowFileDiscovery"] is { } discovery) permission["allowFileDiscovery"] = discovery.DeepClone();
        lock (_write) item.Permissions.Add(permission);
        return permission;
    }

    private static async Task DownloadAsync(HttpContext context, StoredItem item)
    {
        if (item.IsFolder || item.ContentPath is null)
            throw new EmulatorError(403, "Only files with binary content can be downloaded.", "fileNotDownloadable");
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = item.Size;
        await context.Response.SendFileAsync(item.ContentPath);
    }

    private async Task PublicDownloadAsync(HttpContext context)
    {
        var item = Find(context.Request.Query["id"].ToString());
        if (!item.Permissions.Any(p => (string?)p["type"] == "anyone"))
            throw new EmulatorError(403, "You need access: sign in.", "forbidden");
        await DownloadAsync(context, item);
    }
}
