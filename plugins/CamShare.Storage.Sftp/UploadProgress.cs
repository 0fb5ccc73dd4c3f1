using CamShare.Abstractions;
using Renci.SshNet;

namespace CamShare.Storage.Sftp;

/// <summary>SSH.NET reports bytes acknowledged by the server; the host wants them against the total. Reports arrive
/// on SSH.NET's receive thread and are passed on directly (no synchronisation context).</summary>
internal sealed class UploadProgress(IProgress<TransferProgress>? target, long total) : IProgress<UploadFileProgressReport>
{
    private long _acknowledged;

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public void Report(UploadFileProgressReport value)
    {
        var bytes = (long)value.TotalBytesUploaded;
        Interlocked.Exchange(ref _acknowledged, bytes);
        target?.Report(new TransferProgress(Math.Min(bytes, total), total));
    }
}
