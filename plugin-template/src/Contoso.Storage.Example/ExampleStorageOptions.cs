using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using CamShare.Abstractions;

namespace Contoso.Storage.Example;

// REPLACE: the settings your backend needs (endpoint, account, credentials, ...). Each property becomes a key of
// the storage's section in camshare.json (camelCase) and is listed by `camshare providers` with its help text.
// Mark credentials [Secret]: they are never printed and can come from an environment variable or a file.
[Description("Stores recordings in a folder (the template's sample backend: replace it with yours).")]
public sealed class ExampleStorageOptions : IValidatableObject
{
    [Required, Description("Folder that receives the objects; created if missing.")]
    public string Path { get; set; } = "";

    /// <summary>Rules the binder cannot check. Runs when camshare starts, before any upload.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Path))
            yield return new ValidationResult("set it to the folder that should receive the recordings, e.g. \"/srv/recordings\"", ["path"]);
    }
}
