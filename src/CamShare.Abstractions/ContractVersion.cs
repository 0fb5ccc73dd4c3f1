namespace CamShare.Abstractions;

/// <summary>
/// The version of the provider contract. A plugin compiled against a different <see cref="Major"/> is refused
/// at load time with a clear error; minor versions only add optional members.
/// </summary>
public static class ContractVersion
{
    /// <summary>Breaking changes bump this.</summary>
    public const int Major = 1;

    /// <summary>Additive changes bump this.</summary>
    public const int Minor = 0;

    /// <summary>"major.minor", for messages.</summary>
    public static string Text => $"{Major}.{Minor}";
}
