using System.ComponentModel;

namespace CamShare.Core.Configuration;

/// <summary>How long a storage keeps CamShare's own recordings.</summary>
[Description("Remote retention: CamShare deletes its own old recordings from this storage.")]
public sealed class RetentionSettings
{
}
