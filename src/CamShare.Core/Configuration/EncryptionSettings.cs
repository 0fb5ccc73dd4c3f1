using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using CamShare.Abstractions;

namespace CamShare.Core.Configuration;

/// <summary>
/// A storage's end-to-end encryption (rclone crypt format), applied before anything leaves the device. The names
/// and defaults are rclone crypt's own options, so the same values configure a crypt remote that reads the storage.
/// </summary>
[Description("End-to-end encryption of this storage's objects in rclone's crypt format; a crypt remote with the same settings reads them.")]
public sealed class EncryptionSettings : IValidatableObject
{
    [Required, Secret, Description("The crypt password (rclone's `password`), as plain text; prefer passwordEnv or passwordFile. With passwordsObscured: true, the obscured value from rclone.conf.")]
    public string Password { get; set; } = "";

    [Secret, Description("Optional second password, the salt (rclone's `password2`); empty: rclone's default salt.")]
    public string? Password2 { get; set; }

    [Description("off (names readable, \".bin\" appended) or standard (names encrypted; rclone's default).")]
    public FileNameEncryption FilenameEncryption { get; set; } = FileNameEncryption.Standard;

    [Description("Encrypt folder names too (rclone's directory_name_encryption; only matters with filenameEncryption standard).")]
    public bool DirectoryNameEncryption { get; set; } = true;

    [Description("The passwords are in rclone's obscured form (as rclone.conf holds them, or as `rclone obscure` prints them).")]
    public bool PasswordsObscured { get; set; }

    /// <summary>The plain passwords (revealed when obscured). Call after validation.</summary>
    public (string Password, string? Password2) PlainPasswords() => PasswordsObscured
        ? (RcloneObscure.Reveal(Password), string.IsNullOrEmpty(Password2) ? Password2 : RcloneObscure.Reveal(Password2))
        : (Password, Password2);

    private readonly Lock _cipherLock = new();
    private (string, string?, FileNameEncryption, bool, bool) _cipherFor;
    private (RcloneCryptKeys Keys, RcloneNameCipher Names)? _cipher;

    /// <summary>The keys and the name cipher. Deriving costs tens of milliseconds (scrypt), so the result is kept:
    /// the transform, the viewer and retention of one storage share one derivation.</summary>
    public (RcloneCryptKeys Keys, RcloneNameCipher Names) CreateCipher()
    {
        lock (_cipherLock)
        {
            var current = (Password, Password2, FilenameEncryption, DirectoryNameEncryption, PasswordsObscured);
            if (_cipher is { } kept && _cipherFor == current) return kept;
            var (password, password2) = PlainPasswords();
            var keys = RcloneCryptKeys.Derive(password, password2);
            _cipher = (keys, new RcloneNameCipher(keys, FilenameEncryption, DirectoryNameEncryption));
            _cipherFor = current;
            return _cipher.Value;
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!PasswordsObscured) yield break;
        foreach (var (value, name) in new[] { (Password, nameof(Password)), (Password2, nameof(Password2)) })
        {
            if (string.IsNullOrEmpty(value)) continue;
            string? problem = null;
            try { RcloneObscure.Reveal(value); }
            catch (FormatException ex) { problem = ex.Message; }
            if (problem is not null)
                yield return new ValidationResult($"{problem}, or set passwordsObscured to false for a plain password", [name]);
        }
    }
}
