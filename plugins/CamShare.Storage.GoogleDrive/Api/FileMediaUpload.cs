using Google.Apis.Services;
using Google.Apis.Upload;
using Google.Apis.Util;

namespace CamShare.Storage.GoogleDrive.Api;

/// <summary>
/// files.create / files.update with <c>uploadType=resumable</c>: Google.Apis' <see cref="ResumableUpload{TRequest,TResponse}"/>
/// runs the protocol (session URI, chunks, 308 + Range, status query after a broken connection).
/// </summary>
internal sealed class FileMediaUpload : ResumableUpload<DriveFile, DriveFile>
{
    public FileMediaUpload(IClientService service, string restPath, string httpMethod, DriveFile body, Stream stream,
        string contentType, string? fileId)
        : base(service, $"/upload/{service.BasePath}{restPath}", httpMethod, stream, contentType)
    {
        Body = body;
        FileId = fileId;
    }

    [RequestParameter("fileId", RequestParameterType.Path)] public string? FileId { get; }

    [RequestParameter("fields", RequestParameterType.Query)] public string? Fields { get; set; }

    [RequestParameter("supportsAllDrives", RequestParameterType.Query)] public bool? SupportsAllDrives { get; set; } = true;

    /// <summary>Whether Drive opened a session: a later 404 then means the session expired, not a missing file.</summary>
    public bool SessionStarted { get; private set; }

    public override async Task<Uri> InitiateSessionAsync(CancellationToken cancellationToken = default)
    {
        var uri = await base.InitiateSessionAsync(cancellationToken);
        SessionStarted = true;
        return uri;
    }
}
