using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using CamShare.Abstractions;

namespace CamShare.Core.Storage.Local;

[Description("A folder on this machine (or a mounted network share). Atomic: temp file, fsync, rename.")]
public sealed class LocalStorageOptions : IValidatableObject
{
    [Required, Description("Folder that receives the objects; created if missing.")]
    public string Path { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Path))
            yield return new ValidationResult("set it to the folder that should receive the recordings, e.g. \"/srv/camshare\"", ["path"]);
    }
}
