using CamShare.Abstractions;
using CamShare.Core.Configuration;
using CamShare.Core.Media;
using CamShare.Viewer;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Publishing;

/// <summary>Builds the publish stage of each destination whose storage has an enabled "viewer" section.</summary>
public sealed class ViewerPublishers(CamShareSettings settings, ILogger logger, TimeProvider? time = null)
{
    private readonly SegmentMediaFacts _media = new(MediaTools.FindFfprobe() ?? "ffprobe");

    /// <summary>The viewer publisher for storage <paramref name="storageName"/>, or null when it has no viewer.
    /// Derives the viewing key (scrypt, ~0.1 s) here, once per storage and start.</summary>
    public ViewerPublisher? For(string storageName, IStorageProvider provider)
    {
        var storage = settings.Storages.FirstOrDefault(s => string.Equals(s.Name, storageName, StringComparison.OrdinalIgnoreCase));
        if (storage is not { Viewer.Enabled: true, Encryption: { } encryption }) return null;
        var segments = CameraFolder.SegmentsIn(settings.KeyTemplate)
            ?? throw new InvalidOperationException("the viewer needs a key template whose first folders end in {camera}");
        var key = ViewerKey(encryption);
        var seconds = settings.Cameras.ToDictionary(c => c.Name, c => c.SegmentSeconds, StringComparer.Ordinal);
        return new ViewerPublisher(storage.Name, provider, key, seconds, segments, _media, logger, time);
    }

    /// <summary>The viewing key of a storage's encryption: rclone's data key for its (plain or obscured)
    /// passwords, derived once with the storage's cipher.</summary>
    public static byte[] ViewerKey(EncryptionSettings encryption) => encryption.CreateCipher().Keys.DataKey.ToArray();
}
