namespace CamShare.Crypt;

/// <summary>What happened to one file of a decrypted tree.</summary>
/// <param name="Source">The encrypted file.</param>
/// <param name="Output">Where its plaintext went (null when it was not decrypted).</param>
/// <param name="Problem">Why it was not decrypted, or null.</param>
/// <param name="Skipped">Its name is not an encrypted one (a foreign file, or another password); its content was not read.</param>
public sealed record DecryptedFile(string Source, string? Output, string? Problem, bool Skipped = false);
