namespace CamShare.Core.Retention;

/// <summary>
/// Turns a key as the storage holds it into the plain key CamShare rendered from its key template. The seam for
/// encrypted storages: with encrypted names the stored key is ciphertext and only its decryption can be
/// recognised as a segment; without encryption it is the identity (<see cref="PlainStoredKeys"/>).
/// </summary>
public interface IStoredKeyDecoder
{
    /// <summary>The plain key of <paramref name="storedKey"/>, or null when it is not a name CamShare could
    /// have written (it does not decrypt, a wrong password, a foreign file). Must not throw for foreign names.</summary>
    string? PlainKeyOf(string storedKey);

    /// <summary>Whether plain key prefixes are stored unchanged, so a listing may be narrowed to the prefixes of
    /// the configured cameras. False for encrypted directory names: the whole storage is listed.</summary>
    bool KeepsPrefixes { get; }
}

/// <summary>A storage without encryption: stored keys are the plain keys.</summary>
public sealed class PlainStoredKeys : IStoredKeyDecoder
{
    public static PlainStoredKeys Instance { get; } = new();

    public string? PlainKeyOf(string storedKey) => storedKey;

    public bool KeepsPrefixes => true;
}

/// <summary>A decoder from a function (for example an rclone-crypt name decryptor).</summary>
public sealed class FunctionStoredKeyDecoder(Func<string, string?> plainKeyOf, bool keepsPrefixes = false) : IStoredKeyDecoder
{
    public string? PlainKeyOf(string storedKey) => plainKeyOf(storedKey);

    public bool KeepsPrefixes => keepsPrefixes;
}
