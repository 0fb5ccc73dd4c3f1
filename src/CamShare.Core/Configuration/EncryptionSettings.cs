using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using CamShare.Abstractions;

namespace CamShare.Core.Configuration;

/// <summary>A storage's end-to-end encryption (rclone crypt format), applied before anything leaves the device.</summary>
[Description("End-to-end encryption of this storage's objects in rclone's crypt format.")]
public sealed class EncryptionSettings
{
    [Required, Secret, Description("The crypt password (plain, as typed into `rclone config`, not the obscured form).")]
    public string Password { get; set; } = "";

    [Secret, Description("The crypt salt password (rclone's password2); empty uses rclone's built-in salt.")]
    public string? Password2 { get; set; }
}
