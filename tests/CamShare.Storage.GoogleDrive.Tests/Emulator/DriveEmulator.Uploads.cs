using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace CamShare.Storage.GoogleDrive.Tests.Emulator;

// The resumable upload protocol (developers.google.com/drive/api/guides/manage-uploads#resumable): the initiating
// request opens a session whose URI is in Location; each PUT carries Content-Range "bytes a-b/total" (or "*" while
// the total is unknown); 308 Resume Incomplete with "Range: bytes=0-n" says what was kept; "bytes */total" asks
// for the status; a 404 means the session expired and the upload must start again.
public sealed partial class DriveEmulator
{
    private const int Granularity = 256 * 1024;

    private async Task InitiateUploadAsync(HttpContext context, string relativePath)
    {
        var (method, values) = _discovery.Resolve(context.Request.Method, relativePath, upload: true);
        _discovery.ValidateQuery(method, context.Request.Query);
        RequireBearer(context);
        ThrowInjectedError();
        if (context.Request.Query["uploadType"] != "resumable")
            throw EmulatorError.BadRequest("This emulator speaks uploadType=resumable only.", "badRequest", "uploadType");
        _ = Mask(context, method.ResponseSchema); // a bad mask is refused now, not after the upload
        var metadata = await BodyAsync(context, "File");
        string? targetId = null;
        if (method.Id == "files.update") targetId = Find(values["fileId"]).Id;
        else ParentsOf(metadata);
        long? declared = long.TryParse(context.Request.Headers["X-Upload-Content-Length"], out var length) ? length : null;
        if (declared is { } d && StorageQuotaBytes is { } quota && UsedBytes() + d > quota)
            throw new EmulatorError(403, "The user's Drive storage quota has been exceeded.", "storageQuotaExceeded", null, "usageLimits");

        var session = new UploadSession
        {
            Id = "ADPycd" + Guid.NewGuid().ToString("N"),
            Sequence = Interlocked.Increment(ref _counter),
            ContentPath = Path.Combine(_contentDir, Guid.NewGuid().ToString("N")),
            TargetId = targetId,
            Metadata = metadata,
            ContentType = context.Request.Headers["X-Upload-Content-Type"].ToString() is { Length: > 0 } t ? t : null,
            DeclaredLength = declared,
            Fields = context.Request.Query.TryGetValue("fields", out var fields) ? fields.ToString() : null,
        };
        await File.WriteAllBytesAsync(session.ContentPath, []);
        _sessions[session.Id] = session;
        context.Response.Headers.Location = $"{BaseUrl.TrimEnd('/')}{context.Request.Path}?uploadType=resumable&upload_id={session.Id}";
        context.Response.StatusCode = 200;
    }

    private async Task SessionAsync(HttpContext context)
    {
        var id = context.Request.Query["upload_id"].ToString();
        if (!_sessions.TryGetValue(id, out var session))
            throw new EmulatorError(404, "Not Found: the upload session has expired or does not exist.", "notFound");
        if (context.Request.Method != "PUT" && context.Request.Method != "POST")
            throw EmulatorError.BadRequest($"Method {context.Request.Method} is not allowed on an upload session.");
        if (Faults.ExpireSessionAtByte is { } expireAt && session.Committed >= expireAt && session.CompletedId is null)
        {
            Faults.ExpireSessionAtByte = null;
            _sessions.TryRemove(id, out _);
            ExpiredSessions++;
            throw new EmulatorError(404, "Not Found: the upload session has expired.", "notFound");
        }
        var range = ContentRange.Parse(context.Request.Headers["Content-Range"].ToString());
        if (range.Total is { } total)
        {
            if (session.DeclaredLength is { } declared && declared != total)
                throw EmulatorError.BadRequest("Content-Range total differs from X-Upload-Content-Length.");
            session.DeclaredLength = total;
        }
        if (session.CompletedId is not null)
        {
            await FinishedAsync(context, session);
            return;
        }
        if (range.Start is { } start)
        {
            if (start > session.Committed)
                throw EmulatorError.BadRequest($"Content-Range starts at {start}, but {session.Committed} bytes were received.");
            session.ChunkStarts.Add(start);
            if (!await ReceiveAsync(context, session, start, range.End!.Value - start + 1)) return;
        }
        if (session.DeclaredLength is { } length && session.Committed == length)
        {
            Complete(session);
            await FinishedAsync(context, session);
            return;
        }
        if (session.DeclaredLength is { } over && session.Committed > over)
            throw EmulatorError.BadRequest("More bytes than Content-Range's total.");
        context.Response.StatusCode = 308;
        if (session.Committed > 0) context.Response.Headers["Range"] = $"bytes=0-{session.Committed - 1}";
    }

    // Writes the body at its offset (skipping bytes the server already has). False when the connection was cut.
    private async Task<bool> ReceiveAsync(HttpContext context, UploadSession session, long start, long length)
    {
        var buffer = new byte[64 * 1024];
        var skip = session.Committed - start;
        await using var file = new FileStream(session.ContentPath, FileMode.Open, FileAccess.Write);
        file.Position = session.Committed;
        var received = 0L;
        while (true)
        {
            int read;
            try
            {
                read = await context.Request.Body.ReadAsync(buffer);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
            {
                break; // the client went away: keep what arrived, in whole 256 KiB units, like Drive
            }
            if (read == 0) break;
            session.BytesOnWire += read;
            var offset = 0;
            if (skip > 0) { offset = (int)Math.Min(skip, read); skip -= offset; }
            await file.WriteAsync(buffer.AsMemory(offset, read - offset));
            received += read;
            if (Faults.CutConnectionAtSessionByte is { } cut && session.BytesOnWire >= cut)
            {
                Faults.CutConnectionAtSessionByte = null;
                await file.FlushAsync();
                Keep(session, file, WholeUnits(file.Position));
                context.Abort();
                return false;
            }
        }
        await file.FlushAsync();
        var end = file.Position;
        if (received < length) end = WholeUnits(end); // a short body: only whole units count
        else if (Faults.ShortAcknowledgements > 0 && length > Granularity && end < (session.DeclaredLength ?? long.MaxValue))
        {
            Faults.ShortAcknowledgements--;
            end -= Granularity; // 308 acknowledges less than was sent; the client must send the rest again
        }
        Keep(session, file, end);
        return true;
    }

    private static long WholeUnits(long position) => position / Granularity * Granularity;

    private static void Keep(UploadSession session, FileStream file, long end)
    {
        file.SetLength(end);
        session.Committed = end;
    }

    private void Complete(UploadSession session)
    {
        string md5, sha1, sha256;
        using (var stream = File.OpenRead(session.ContentPath))
        {
            using var hashes = new Hashes();
            stream.CopyTo(hashes);
            (md5, sha1, sha256) = hashes.Finish();
        }
        var now = DateTimeOffset.UtcNow;
        lock (_write)
        {
            if (StorageQuotaBytes is { } quota && UsedBytes() + session.Committed > quota)
                throw new EmulatorError(403, "The user's Drive storage quota has been exceeded.", "storageQuotaExceeded", null, "usageLimits");
            StoredItem item;
            if (session.TargetId is not null)
            {
                item = Find(session.TargetId);
                var old = item.ContentPath;
                item.ContentPath = session.ContentPath;
                item.Version++;
                if (old is not null) File.Delete(old);
            }
            else
            {
                item = new StoredItem
                {
                    Id = NewId("file"), Name = (string?)session.Metadata["name"] ?? "Untitled",
                    MimeType = (string?)session.Metadata["mimeType"] ?? session.ContentType ?? "application/octet-stream",
                    Parents = ParentsOf(session.Metadata), CreatedTime = now, ListedFrom = now + ListDelay,
                    ContentPath = session.ContentPath,
                };
                _items[item.Id] = item;
            }
            item.Size = session.Committed;
            item.Md5 = md5;
            item.Sha1 = sha1;
            item.Sha256 = sha256;
            item.ModifiedTime = now;
            session.CompletedId = item.Id;
        }
    }

    private async Task FinishedAsync(HttpContext context, UploadSession session)
    {
        var mask = FieldMask.Parse(session.Fields ?? DefaultFields["File"], "File", _discovery);
        context.Response.StatusCode = session.TargetId is null ? 201 : 200;
        await WriteJsonAsync(context, mask.Apply(Find(session.CompletedId!).ToJson(BaseUrl)));
    }

    /// <summary>MD5, SHA-1 and SHA-256 in one pass over the content.</summary>
    private sealed class Hashes : Stream
    {
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public (string, string, string) Finish() => (Convert.ToHexStringLower(_md5.GetHashAndReset()),
            Convert.ToHexStringLower(_sha1.GetHashAndReset()), Convert.ToHexStringLower(_sha256.GetHashAndReset()));

        public override void Write(byte[] buffer, int offset, int count)
        {
            _md5.AppendData(buffer, offset, count);
            _sha1.AppendData(buffer, offset, count);
            _sha256.AppendData(buffer, offset, count);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) { _md5.Dispose(); _sha1.Dispose(); _sha256.Dispose(); }
            base.Dispose(disposing);
        }
    }

    private long UsedBytes() => _items.Values.Sum(i => i.Size);

    /// <summary>Content-Range of an upload request: "bytes a-b/total", "bytes a-b/*", "bytes */total".</summary>
    private readonly record struct ContentRange(long? Start, long? End, long? Total)
    {
        public static ContentRange Parse(string header)
        {
            if (!header.StartsWith("bytes ", StringComparison.Ordinal))
                throw EmulatorError.BadRequest("Missing or malformed Content-Range.");
            var spec = header[6..];
            var slash = spec.IndexOf('/');
            if (slash < 0) throw EmulatorError.BadRequest("Malformed Content-Range.");
            long? total = spec[(slash + 1)..] == "*" ? null : long.Parse(spec[(slash + 1)..], CultureInfo.InvariantCulture);
            var span = spec[..slash];
            if (span == "*") return new ContentRange(null, null, total);
            var dash = span.IndexOf('-');
            var start = long.Parse(span[..dash], CultureInfo.InvariantCulture);
            var end = long.Parse(span[(dash + 1)..], CultureInfo.InvariantCulture);
            if (end < start) throw EmulatorError.BadRequest("Malformed Content-Range.");
            return new ContentRange(start, end, total);
        }
    }
}
