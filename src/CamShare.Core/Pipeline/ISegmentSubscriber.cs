using CamShare.Core.Spool;

namespace CamShare.Core.Pipeline;

/// <summary>A destination as the spool sees it: it is offered every segment listed for it that it has not verified.</summary>
public interface ISegmentSubscriber : IDestinationStatus
{
    /// <summary>Takes a segment to upload (never blocks).</summary>
    void Offer(SpoolSegment segment);
}
