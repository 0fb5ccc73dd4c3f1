using CamShare.Abstractions;

namespace CamShare.Core.Pipeline;

/// <summary>
/// Tests the configured crypt key on what an encrypted destination already holds, once at start-up: a wrong
/// password would otherwise go unnoticed, since new uploads succeed with any key. Names are tried first
/// (standard mode); with names off, the first block of one object is authenticated. Streams the listing and looks
/// at no more than <see cref="MaxObjects"/> objects, so a folder full of foreign files costs little.
/// </summary>
public sealed class CryptKeyCheck(IStorageProvider provider, RcloneCryptKeys keys, RcloneNameCipher names)
{
    public const int MaxObjects = 1000;

    /// <summary>The verdict, with one stored key that did not decrypt (for the message) when it is <see cref="CryptKeyVerdict.WrongKey"/>.</summary>
    public async Task<(CryptKeyVerdict Verdict, string? Example)> RunAsync(string plainPrefix, CancellationToken cancellationToken)
    {
        var prefix = StoredPrefix(plainPrefix);
        var seen = 0;
        string? undecryptable = null;
        StoredObject? decryptable = null;
        await foreach (var item in provider.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            if (++seen > MaxObjects) break;
            if (StorageKeys.IsTemporary(item.Key) || RcloneCryptFormat.DecryptedSize(item.Size) < 0) continue;
            if (names.TryDecryptFilePath(item.Key) is not null)
            {
                if (names.Mode == FileNameEncryption.Standard) return (CryptKeyVerdict.Matches, null);
                if (RcloneCryptFormat.DecryptedSize(item.Size) == 0) continue; // no block to authenticate
                decryptable = item;
                break;
            }
            if (LooksEncrypted(item.Key)) undecryptable ??= item.Key;
        }
        if (decryptable is not null)
            return await FirstBlockOpensAsync(decryptable, cancellationToken).ConfigureAwait(false)
                ? (CryptKeyVerdict.Matches, null) : (CryptKeyVerdict.WrongKey, decryptable.Key);
        return undecryptable is null ? (CryptKeyVerdict.NothingToCheck, null) : (CryptKeyVerdict.WrongKey, undecryptable);
    }

    /// <summary>The part of the key template before its first token, as stored (folders encrypted when they are).</summary>
    public static string PlainPrefixOf(string keyTemplate)
    {
        var token = keyTemplate.IndexOf('{');
        var literal = token < 0 ? keyTemplate : keyTemplate[..token];
        var slash = literal.LastIndexOf('/');
        return slash < 0 ? "" : literal[..(slash + 1)];
    }

    private string StoredPrefix(string plainPrefix) =>
        plainPrefix.Length == 0 ? "" : names.EncryptDirectoryPath(plainPrefix.TrimEnd('/')) + "/";

    // A name rclone's standard mode could have written: base32hex segments of whole 16-byte blocks.
    private bool LooksEncrypted(string key)
    {
        if (names.Mode == FileNameEncryption.Off) return false;
        var segments = key.Split('/');
        var file = segments[^1];
        return file.Length >= 26 && file.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'v');
    }

    private async Task<bool> FirstBlockOpensAsync(StoredObject item, CancellationToken cancellationToken)
    {
        var wanted = (int)Math.Min(item.Size, RcloneCryptFormat.HeaderSize + RcloneCryptFormat.BlockSize + RcloneCryptFormat.TagSize);
        var buffer = new byte[wanted];
        await using (var stream = await provider.OpenReadAsync(item.Key, cancellationToken).ConfigureAwait(false))
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var plain = new RcloneDecryptingStream(new MemoryStream(buffer), keys.DataKey);
            await plain.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
