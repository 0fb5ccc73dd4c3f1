namespace CamShare.Core.Spool;

/// <summary>The one place journal records are made, so every writer records the same fields.</summary>
internal static class JournalRecords
{
    public static JournalRecord Added(SpoolSegment segment, DateTimeOffset at) => new()
    {
        Op = JournalRecord.Added, Camera = segment.Camera, File = segment.FileName, At = at, Size = segment.Size,
        Md5 = segment.Md5, Destinations = segment.Destinations,
    };

    public static JournalRecord Verified(SpoolSegment segment, DateTimeOffset at, string destination, string key) =>
        Of(JournalRecord.Verified, segment, at) with { Destination = destination, Key = key };

    public static JournalRecord Removed(SpoolSegment segment, DateTimeOffset at) => Of(JournalRecord.Removed, segment, at);

    public static JournalRecord Dropped(SpoolSegment segment, DateTimeOffset at, string reason) =>
        Of(JournalRecord.Dropped, segment, at) with { Reason = reason };

    /// <summary>A live segment as one compacted state (its "added" record plus what verified it).</summary>
    public static JournalState StateOf(SpoolSegment segment)
    {
        var state = new JournalState(Added(segment, segment.Start));
        foreach (var (destination, key) in segment.Verified) state.Verified[destination] = key;
        return state;
    }

    private static JournalRecord Of(string op, SpoolSegment segment, DateTimeOffset at) =>
        new() { Op = op, Camera = segment.Camera, File = segment.FileName, At = at };
}
