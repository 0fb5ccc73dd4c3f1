namespace CamShare.Crypt;

/// <summary>Whole-file decryption that never leaves half-written output: the plaintext goes to a temporary file
/// beside the target, which is renamed into place only after the last block authenticated.</summary>
public static class RcloneCryptFile
{
    /// <summary>Decrypts <paramref name="encryptedPath"/> to <paramref name="outputPath"/> (replaced if present).</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">Wrong key, changed or truncated file,
    /// or not an rclone crypt file; <paramref name="outputPath"/> is then untouched.</exception>
    public static async Task DecryptAsync(string encryptedPath, string outputPath, byte[] dataKey, CancellationToken cancellationToken = default)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(outputPath)}.{Guid.NewGuid():N}.partial");
        try
        {
            await using (var input = new FileStream(encryptedPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
            await using (var plain = new RcloneDecryptingStream(input, dataKey))
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await plain.CopyToAsync(output, RcloneCryptFormat.BlockSize, cancellationToken).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            File.Move(temporary, outputPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
