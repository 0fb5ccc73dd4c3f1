using System.ComponentModel;

namespace CamShare.Core.Configuration;

/// <summary>A storage's end-to-end encryption (rclone crypt format), applied before anything leaves the device.</summary>
[Description("End-to-end encryption of this storage's objects in rclone's crypt format.")]
public sealed class EncryptionSettings
{
}
