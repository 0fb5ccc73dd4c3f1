using System.Collections.Concurrent;
using CamShare.Abstractions;
using CamShare.Core.Pipeline;
using CamShare.Core.Spool;
using CamShare.Viewer;
using Microsoft.Extensions.Logging;

namespace CamShare.Core.Publishing;

/// <summary>
/// The publish stage of a destination with a viewer: after each verified upload, lists the segment in its
/// camera's encrypted index (through <see cref="ViewerIndexWriter"/>, which carries on from the stored index
/// after a restart), and uploads view.html into the camera folder once per start when it is missing or differs.
/// Everything goes to the storage's own names beside the stored segment. A failure throws to the pipeline,
/// which logs it and leaves the upload as it is.
/// </summary>
public sealed class ViewerPublisher(string destination, IStorageProvider provider, ReadOnlyMemory<byte> dataKey,
    IReadOnlyDictionary<string, int> segmentSecondsByCamera, int cameraFolderSegments, SegmentMediaFacts media,
    ILogger logger, TimeProvider? time = null) : ISegmentPublisher
{
    private readonly ConcurrentDictionary<(string Camera, string Folder), CameraViewer> _cameras = new();

    public async Task PublishAsync(SpoolSegment segment, StoredObject stored, CancellationToken cancellationToken)
    {
        var facts = await media.OfAsync(segment, cancellationToken).ConfigureAwait(false);
        var (folder, path) = CameraFolder.Split(stored.Key, cameraFolderSegments);
        var camera = _cameras.GetOrAdd((segment.Camera, folder), k => new CameraViewer(
            new ViewerIndexWriter(k.Camera, segmentSecondsByCamera.GetValueOrDefault(k.Camera, 300), dataKey,
                new StorageObjectStore(provider, k.Folder), time),
            new StorageObjectStore(provider, k.Folder)));
        await camera.EnsurePageAsync(cancellationToken).ConfigureAwait(false);
        await camera.Writer.AddSegmentAsync(new ViewerSegment(segment.Start, facts.DurationSeconds, path, stored.Size, facts.Codecs),
            cancellationToken).ConfigureAwait(false);
        logger.LogInformation("{Camera} → {Destination}: viewer lists {Key}", segment.Camera, destination, stored.Key);
    }

    /// <summary>One camera folder: its index writer, and whether this start already checked its page.</summary>
    private sealed class CameraViewer(ViewerIndexWriter writer, IViewerObjectStore store)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private bool _pageChecked;

        public ViewerIndexWriter Writer => writer;

        public async Task EnsurePageAsync(CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref _pageChecked)) return;
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_pageChecked) return;
                var stored = await store.ReadAsync(ViewerPage.FileName, cancellationToken).ConfigureAwait(false);
                if (stored is null || !stored.AsSpan().SequenceEqual(ViewerPage.Bytes.Span))
                    await writer.PublishPageAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _pageChecked, true);
            }
            finally { _gate.Release(); }
        }
    }
}
