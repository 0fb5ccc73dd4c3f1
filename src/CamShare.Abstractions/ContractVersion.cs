namespace CamShare.Abstractions;

/// <summary>
/// The version of the provider contract. A plugin compiled against a different <see cref="Major"/> is refused
/// at load time with a clear error; minor versions only add optional members.
/// </summary>
/// <remarks>2.0: errors decide the host's behaviour through <see cref="StorageException.IsRetryable"/>; options
/// use System.ComponentModel.DataAnnotations; temporary names and redaction live in this assembly
/// (<see cref="StorageKeys"/>, <see cref="SecretRedactor"/>); listings include temporary objects (the host hides
/// them); an <see cref="UploadSource"/> carries the checksums the host already knows.</remarks>
public static class ContractVersion
{
    /// <summary>Breaking changes bump this.</summary>
    public const int Major = 2;

    /// <summary>Additive changes bump this.</summary>
    public const int Minor = 0;

    /// <summary>"major.minor", for messages.</summary>
    public static string Text => $"{Major}.{Minor}";
}
