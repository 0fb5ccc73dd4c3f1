namespace CamShare.Abstractions;

/// <summary>Progress of one transfer: bytes sent so far out of the total.</summary>
public readonly record struct TransferProgress(long BytesTransferred, long TotalBytes);
