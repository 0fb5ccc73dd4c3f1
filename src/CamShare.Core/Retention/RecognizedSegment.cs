namespace CamShare.Core.Retention;

/// <summary>An object that CamShare wrote for a configured camera: one recorded segment.</summary>
/// <param name="StoredKey">The key as the storage holds it (what is deleted).</param>
/// <param name="PlainKey">The key rendered from the template (the same unless names are encrypted).</param>
/// <param name="Camera">The configured camera it belongs to.</param>
/// <param name="Start">The segment's start, from its file name (local time with its offset).</param>
/// <param name="Size">Bytes the storage reports for it.</param>
public sealed record RecognizedSegment(string StoredKey, string PlainKey, string Camera, DateTimeOffset Start, long Size);
