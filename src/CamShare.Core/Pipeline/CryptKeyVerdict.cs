namespace CamShare.Core.Pipeline;

/// <summary>What the first listing of an encrypted destination says about the configured key.</summary>
public enum CryptKeyVerdict
{
    /// <summary>No earlier encrypted object to test the key on.</summary>
    NothingToCheck,
    /// <summary>Earlier objects decrypt with the key.</summary>
    Matches,
    /// <summary>Earlier objects look encrypted but do not decrypt: another password (or other name settings).</summary>
    WrongKey,
}
