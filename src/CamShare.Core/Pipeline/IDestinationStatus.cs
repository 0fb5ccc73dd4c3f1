namespace CamShare.Core.Pipeline;

/// <summary>What the spool (drop messages) and operators (status) may know of a destination.</summary>
public interface IDestinationStatus
{
    string Name { get; }

    /// <summary>One phrase on why a segment has not reached this destination yet.</summary>
    string Describe();
}
