using System.Text.Json.Serialization;

namespace CamShare.Core.Spool;

/// <summary>One line of the journal: a state change of one segment.</summary>
public sealed record JournalRecord
{
    public const string Added = "added";        // complete segment in the spool: size, md5, destinations
    public const string Verified = "verified";  // one destination holds it at Key, size and checksum checked
    public const string Dropped = "dropped";    // deleted unsent (spool cap); Reason says why
    public const string Removed = "removed";    // every destination verified; local file removed or kept aside

    [JsonPropertyName("op")] public required string Op { get; init; }
    [JsonPropertyName("cam")] public required string Camera { get; init; }
    [JsonPropertyName("file")] public required string File { get; init; }
    [JsonPropertyName("at")] public DateTimeOffset At { get; init; }
    [JsonPropertyName("size"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Size { get; init; }
    [JsonPropertyName("md5"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Md5 { get; init; }
    [JsonPropertyName("dests"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Destinations { get; init; }
    [JsonPropertyName("dest"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Destination { get; init; }
    [JsonPropertyName("key"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Key { get; init; }
    [JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Reason { get; init; }
}
