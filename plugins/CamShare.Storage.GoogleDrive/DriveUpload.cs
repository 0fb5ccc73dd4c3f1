using System.Net;
using CamShare.Abstractions;
using CamShare.Storage.GoogleDrive.Api;
using Google;
using Google.Apis.Upload;

namespace CamShare.Storage.GoogleDrive;

/// <summary>
/// One put as a resumable upload. A broken connection is resumed from what Drive acknowledged (the library's status
/// query, then <see cref="ResumableUpload.ResumeAsync(CancellationToken)"/>), never from byte 0; only an expired
/// session (404 after the session started) starts over.
/// </summary>
internal static class DriveUpload
{
    private const int MaxResumes = 5;
    private const int MaxRestarts = 2;

    /// <summary>Uploads <paramref name="source"/> as a new file in <paramref name="parentId"/>, or as the new content of
    /// <paramref name="existingId"/>. Returns what Drive reports about the finished file.</summary>
    public static async Task<DriveFile> RunAsync(DriveService service, string name, string parentId, string? existingId,
        UploadSource source, int chunkSize, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        for (var restart = 0; ; restart++)
        {
            await using var stream = await source.OpenAsync(cancellationToken);
            var upload = existingId is null
                ? service.Files.CreateMedia(new DriveFile { Name = name, Parents = [parentId] }, stream, ContentType(name))
                : service.Files.UpdateMedia(existingId, stream, ContentType(name));
            upload.ChunkSize = chunkSize;
            upload.Fields = DriveQuery.FileFields;
            if (progress is not null)
                upload.ProgressChanged += p => progress.Report(new TransferProgress(p.BytesSent, source.Length));

            var result = await upload.UploadAsync(cancellationToken);
            for (var resumes = 0; result.Status == UploadStatus.Failed && IsBrokenTransfer(result.Exception) && resumes < MaxResumes; resumes++)
                result = await upload.ResumeAsync(cancellationToken);

            if (result.Status == UploadStatus.Completed && upload.ResponseBody is { } file) return file;
            var error = result.Exception ?? new IOException("the upload ended without Drive's answer");
            var expired = upload.SessionStarted && error is GoogleApiException { HttpStatusCode: HttpStatusCode.NotFound or HttpStatusCode.Gone };
            if (!expired || restart >= MaxRestarts) throw error;
        }
    }

    private static bool IsBrokenTransfer(Exception? ex) => ex switch
    {
        HttpRequestException or IOException => true,
        TaskCanceledException => true, // a timeout of one chunk (the caller's cancellation throws instead)
        GoogleApiException api => (int)api.HttpStatusCode >= 500,
        _ => false,
    };

    private static string ContentType(string name) =>
        name.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase) ? "video/mp4" : "application/octet-stream";
}
