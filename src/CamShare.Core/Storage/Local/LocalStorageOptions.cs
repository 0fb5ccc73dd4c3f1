using CamShare.Abstractions;

namespace CamShare.Core.Storage.Local;

[OptionHelp("A folder on this machine (or a mounted network share). Atomic: temp file, fsync, rename.")]
public sealed class LocalStorageOptions : IValidatableOptions
{
    [RequiredOption, OptionHelp("Folder that receives the objects; created if missing.")]
    public string Path { get; set; } = "";

    public IEnumerable<OptionProblem> Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
            yield return new OptionProblem("path", "set it to the folder that should receive the recordings, e.g. \"/srv/camshare\"");
    }
}
