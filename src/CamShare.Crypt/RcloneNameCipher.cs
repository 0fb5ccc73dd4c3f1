using System.Security.Cryptography;
using System.Text;

namespace CamShare.Crypt;

/// <summary>
/// rclone crypt's object names: <see cref="FileNameEncryption.Off"/> appends ".bin";
/// <see cref="FileNameEncryption.Standard"/> encrypts every '/'-separated segment (or only the file's own name
/// when directory names stay plain), each as PKCS#7-padded UTF-8 through EME with the name key and tweak,
/// written as lower-case unpadded base32hex.
/// </summary>
public sealed class RcloneNameCipher
{
    public const string OffSuffix = ".bin";
    private const int PadBlock = 16;
    private readonly Eme? _eme;
    private readonly byte[] _tweak;

    public RcloneNameCipher(RcloneCryptKeys keys, FileNameEncryption mode, bool directoryNameEncryption)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Mode = mode;
        DirectoryNameEncryption = directoryNameEncryption;
        _tweak = keys.NameTweak;
        if (mode == FileNameEncryption.Standard) _eme = new Eme(keys.NameKey);
    }

    public FileNameEncryption Mode { get; }
    public bool DirectoryNameEncryption { get; }

    /// <summary>The stored name of a file at the plain path <paramref name="path"/> ('/'-separated).</summary>
    public string EncryptFilePath(string path)
    {
        if (_eme is null) return path + OffSuffix;
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
            if (i == segments.Length - 1 || DirectoryNameEncryption) segments[i] = EncryptSegment(segments[i]);
        return string.Join('/', segments);
    }

    /// <summary>The stored name of a folder at the plain path <paramref name="path"/>.</summary>
    public string EncryptDirectoryPath(string path) =>
        _eme is null || !DirectoryNameEncryption ? path : string.Join('/', path.Split('/').Select(EncryptSegment));

    /// <summary>The plain path of a stored file name, or null when it is not one this cipher wrote
    /// (no ".bin", not base32hex, does not decrypt with this key).</summary>
    public string? TryDecryptFilePath(string stored)
    {
        if (_eme is null)
            return stored.Length > OffSuffix.Length && stored.EndsWith(OffSuffix, StringComparison.Ordinal) ? stored[..^OffSuffix.Length] : null;
        var segments = stored.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (i < segments.Length - 1 && !DirectoryNameEncryption) continue;
            if (TryDecryptSegment(segments[i]) is not { } plain) return null;
            segments[i] = plain;
        }
        return string.Join('/', segments);
    }

    /// <summary>The plain path of a stored folder name, or null when it does not decrypt.</summary>
    public string? TryDecryptDirectoryPath(string stored)
    {
        if (_eme is null || !DirectoryNameEncryption) return stored;
        var segments = stored.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (TryDecryptSegment(segments[i]) is not { } plain) return null;
            segments[i] = plain;
        }
        return string.Join('/', segments);
    }

    /// <summary>One name segment, encrypted (an empty segment stays empty, as in rclone).</summary>
    public string EncryptSegment(string plain)
    {
        if (_eme is null) throw new InvalidOperationException("names are not encrypted in mode off");
        if (plain.Length == 0) return "";
        var bytes = Encoding.UTF8.GetBytes(plain);
        var padding = PadBlock - bytes.Length % PadBlock;
        var padded = new byte[bytes.Length + padding];
        bytes.CopyTo(padded, 0);
        padded.AsSpan(bytes.Length).Fill((byte)padding);
        return Base32Hex.Encode(_eme.Encrypt(_tweak, padded));
    }

    /// <summary>One stored segment, decrypted; null when it is not a name encrypted with this key.</summary>
    public string? TryDecryptSegment(string stored)
    {
        if (_eme is null) throw new InvalidOperationException("names are not encrypted in mode off");
        if (stored.Length == 0) return "";
        if (Base32Hex.TryDecode(stored) is not { Length: > 0 } cipher || cipher.Length % PadBlock != 0 || cipher.Length > PadBlock * 128) return null;
        var padded = _eme.Decrypt(_tweak, cipher);
        var padding = padded[^1];
        if (padding is 0 or > PadBlock) return null;
        for (var i = padded.Length - padding; i < padded.Length; i++)
            if (padded[i] != padding) return null;
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(padded, 0, padded.Length - padding);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Like <see cref="TryDecryptFilePath"/>, throwing a clear error.</summary>
    /// <exception cref="CryptographicException">Not a name this key and mode wrote.</exception>
    public string DecryptFilePath(string stored) => TryDecryptFilePath(stored) ?? throw new CryptographicException(
        _eme is null ? $"'{stored}' is not an encrypted file name (no {OffSuffix} suffix)"
            : $"'{stored}' is not a name encrypted with this password (filename encryption standard)");
}
