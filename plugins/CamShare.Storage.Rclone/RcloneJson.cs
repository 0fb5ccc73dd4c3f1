using System.Text.Json;
using System.Text.Json.Serialization;

namespace CamShare.Storage.Rclone;

/// <summary>One entry of <c>rclone lsjson</c> output.</summary>
internal sealed class LsJsonItem
{
    public string Path { get; set; } = "";
    public string Name { get; set; } = "";
    public long Size { get; set; }
    public DateTimeOffset? ModTime { get; set; }
    public bool IsDir { get; set; }
    public Dictionary<string, string>? Hashes { get; set; }
}

/// <summary>The parts of <c>rclone backend features</c> this provider reads.</summary>
internal sealed class BackendFeatures
{
    public string Name { get; set; } = "";
    public string String { get; set; } = "";
    public string[]? Hashes { get; set; }
    public Dictionary<string, bool>? Features { get; set; }

    public bool Has(string feature) => Features is not null && Features.TryGetValue(feature, out var on) && on;
}

[JsonSerializable(typeof(LsJsonItem))]
[JsonSerializable(typeof(BackendFeatures))]
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
internal sealed partial class RcloneJsonContext : JsonSerializerContext;
