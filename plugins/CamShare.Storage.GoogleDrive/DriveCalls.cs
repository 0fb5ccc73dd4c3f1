using System.Net;
using System.Runtime.CompilerServices;
using CamShare.Storage.GoogleDrive.Api;
using Google;

namespace CamShare.Storage.GoogleDrive;

/// <summary>The Drive v3 calls the provider makes, each one request (or one page stream) with its fields mask.</summary>
internal sealed class DriveCalls(DriveConnection connection, GoogleDriveStorageOptions options)
{
    public Task<DriveService> ServiceAsync(CancellationToken cancellationToken) => connection.GetAsync(cancellationToken);

    /// <summary>Same-named children of a folder (duplicates are possible in Drive), folders or files.</summary>
    public async Task<List<DriveFile>> FindAsync(string parentId, string name, bool folder, CancellationToken cancellationToken)
    {
        var found = new List<DriveFile>();
        await foreach (var page in PagesAsync(DriveQuery.Named(parentId, name, folder), 100, cancellationToken))
            found.AddRange(page);
        return found;
    }

    /// <summary>The non-trashed children of a folder, one page at a time.</summary>
    public IAsyncEnumerable<IList<DriveFile>> ChildrenAsync(string parentId, int pageSize, CancellationToken cancellationToken) =>
        PagesAsync(DriveQuery.Children(parentId), pageSize, cancellationToken);

    private async IAsyncEnumerable<IList<DriveFile>> PagesAsync(string q, int pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var service = await ServiceAsync(cancellationToken);
        string? pageToken = null;
        do
        {
            var request = service.Files.List();
            request.Q = q;
            request.PageSize = pageSize;
            request.PageToken = pageToken;
            request.Fields = DriveQuery.ListFields;
            request.IncludeItemsFromAllDrives = true;
            request.OrderBy = "createdTime";
            var page = await request.ExecuteAsync(cancellationToken);
            yield return page.Files ?? [];
            pageToken = page.NextPageToken;
        } while (!string.IsNullOrEmpty(pageToken));
    }

    public async Task<string> CreateFolderAsync(string parentId, string name, CancellationToken cancellationToken)
    {
        var service = await ServiceAsync(cancellationToken);
        var request = service.Files.Create(new DriveFile { Name = name, MimeType = DriveFile.FolderMimeType, Parents = [parentId] });
        request.Fields = "id";
        return (await request.ExecuteAsync(cancellationToken)).Id!;
    }

    /// <summary>The file's metadata, or null when it is gone or in the trash.</summary>
    public async Task<DriveFile?> GetAsync(string fileId, CancellationToken cancellationToken)
    {
        var service = await ServiceAsync(cancellationToken);
        var request = service.Files.Get(fileId);
        request.Fields = DriveQuery.FileFields + ",sha1Checksum,sha256Checksum,trashed";
        try
        {
            var file = await request.ExecuteAsync(cancellationToken);
            return file.Trashed == true ? null : file;
        }
        catch (GoogleApiException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Deletes or trashes (per <see cref="GoogleDriveStorageOptions.DeleteMode"/>); a missing file is fine.</summary>
    public async Task RemoveAsync(string fileId, CancellationToken cancellationToken)
    {
        var service = await ServiceAsync(cancellationToken);
        try
        {
            if (options.DeleteMode == DriveDeleteMode.Trash)
            {
                var request = service.Files.Update(fileId, new DriveFile { Trashed = true });
                request.Fields = "id";
                await request.ExecuteAsync(cancellationToken);
            }
            else
                await service.Files.Delete(fileId).ExecuteAsync(cancellationToken);
        }
        catch (GoogleApiException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            // Already gone: deleting is idempotent.
        }
    }

    /// <summary>Streams the content (files.get alt=media) without buffering it.</summary>
    public async Task<Stream> OpenMediaAsync(string fileId, CancellationToken cancellationToken)
    {
        var service = await ServiceAsync(cancellationToken);
        var request = service.Files.Get(fileId);
        request.Alt = "media";
        using var message = request.CreateRequest();
        var response = await service.HttpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var error = await service.DeserializeError(response);
                throw new GoogleApiException(service.Name, error.Message) { Error = error, HttpStatusCode = response.StatusCode };
            }
        }
        return new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken));
    }

    public async Task<List<DrivePermission>> PermissionsAsync(string fileId, CancellationToken cancellationToken)
    {
        var service = await ServiceAsync(cancellationToken);
        var all = new List<DrivePermission>();
        string? pageToken = null;
        do
        {
            var request = service.Permissions.List(fileId);
            request.PageToken = pageToken;
            request.Fields = "nextPageToken,permissions(id,type,role,emailAddress)";
            var page = await request.ExecuteAsync(cancellationToken);
            all.AddRange(page.Permissions ?? []);
            pageToken = page.NextPageToken;
        } while (!string.IsNullOrEmpty(pageToken));
        return all;
    }

    public async Task GrantAsync(string fileId, DrivePermission permission, bool? notify, CancellationToken cancellationToken)
    {
        var service = await ServiceAsync(cancellationToken);
        var request = service.Permissions.Create(fileId, permission);
        request.SendNotificationEmail = notify;
        request.Fields = "id";
        await request.ExecuteAsync(cancellationToken);
    }

    public async Task<string?> WebContentLinkAsync(string fileId, CancellationToken cancellationToken)
    {
        var service = await ServiceAsync(cancellationToken);
        var request = service.Files.Get(fileId);
        request.Fields = "webContentLink";
        return (await request.ExecuteAsync(cancellationToken)).WebContentLink;
    }

    /// <summary>The response body, which also disposes the response when the reader is done.</summary>
    private sealed class ResponseStream(HttpResponseMessage response, Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.Content.Headers.ContentLength ?? throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
