using System.Security.Cryptography;

namespace CamShare.Crypt;

/// <summary>
/// Decrypts downloaded rclone crypt files (a file, or a folder recursively) into a folder, with their plain names:
/// a folder's relative paths are decrypted as the remote stored them (directory names too when they are encrypted).
/// </summary>
public sealed class RcloneCryptTree(RcloneCryptKeys keys, RcloneNameCipher names)
{
    /// <summary>Decrypts <paramref name="source"/> (file or folder) into <paramref name="outputFolder"/>; one result
    /// per file, in name order. Files that fail leave nothing behind.</summary>
    public async Task<List<DecryptedFile>> DecryptAsync(string source, string outputFolder, CancellationToken cancellationToken = default)
    {
        var results = new List<DecryptedFile>();
        if (File.Exists(source))
        {
            // A lone file: only its own name can be decrypted (its folders are whatever the download made).
            var name = Path.GetFileName(source);
            var plain = names.Mode == FileNameEncryption.Off ? names.TryDecryptFilePath(name) : names.TryDecryptSegment(name);
            results.Add(await DecryptOneAsync(source, plain, name, outputFolder, cancellationToken).ConfigureAwait(false));
            return results;
        }
        if (!Directory.Exists(source)) throw new FileNotFoundException($"'{source}' is neither a file nor a folder", source);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(source, file).Replace(Path.DirectorySeparatorChar, '/');
            results.Add(await DecryptOneAsync(file, names.TryDecryptFilePath(relative), relative, outputFolder, cancellationToken).ConfigureAwait(false));
        }
        return results;
    }

    private async Task<DecryptedFile> DecryptOneAsync(string file, string? plainPath, string storedName, string outputFolder, CancellationToken cancellationToken)
    {
        if (plainPath is null || plainPath.Split('/').Any(s => s is "" or "." or ".."))
            return new DecryptedFile(file, null, names.Mode == FileNameEncryption.Off
                ? $"'{storedName}' is not an encrypted file name (no {RcloneNameCipher.OffSuffix} suffix); skipped"
                : $"'{storedName}' does not decrypt as a name with this password (wrong password, or not a crypt file); skipped", Skipped: true);
        var output = Path.Combine(outputFolder, plainPath.Replace('/', Path.DirectorySeparatorChar));
        try
        {
            await RcloneCryptFile.DecryptAsync(file, output, keys.DataKey, cancellationToken).ConfigureAwait(false);
            return new DecryptedFile(file, output, null);
        }
        catch (CryptographicException ex)
        {
            return new DecryptedFile(file, null, $"'{storedName}': {ex.Message}; nothing written");
        }
    }
}
