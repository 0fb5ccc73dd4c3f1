using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using CamShare.Abstractions;

namespace CamShare.Storage.Sftp;

/// <summary>Settings of an SFTP storage.</summary>
[Description("An SFTP server (OpenSSH or any other). Log in with a password or a private key; the server's host key " +
             "must match hostKeyFingerprint. Uploads go to a temporary name in the target folder and are renamed " +
             "onto the key, so nobody sees a partial file.")]
public sealed class SftpStorageOptions : IValidatableObject
{
    /// <summary>Server name or address.</summary>
    [Required, Description("Server name or address.")]
    public string Host { get; set; } = "";

    /// <summary>SSH port.</summary>
    [Range(1, 65535), Description("SSH port.")]
    public int Port { get; set; } = 22;

    /// <summary>Login name.</summary>
    [Required, Description("Login name.")]
    public string Username { get; set; } = "";

    /// <summary>Password (or use a private key).</summary>
    [Secret, Description("Password (give it as passwordEnv or passwordFile). Or use privateKeyFile / privateKey.")]
    public string? Password { get; set; }

    /// <summary>The private key (its text). In the configuration usually <c>privateKeyFile</c>: the key file's path.</summary>
    [Secret, Description("The private key (OpenSSH, PEM or PuTTY format; ed25519, ECDSA or RSA). Usually given as " +
                         "privateKeyFile: the path of the key file, e.g. \"/etc/camshare/id_ed25519\"; or inline, or " +
                         "as privateKeyEnv.")]
    public string? PrivateKey { get; set; }

    /// <summary>Passphrase of an encrypted private key.</summary>
    [Secret, Description("Passphrase of the private key, when it is encrypted.")]
    public string? PrivateKeyPassphrase { get; set; }

    /// <summary>The server's SHA-256 host key fingerprint.</summary>
    [Required, Description("The server's SHA-256 host key fingerprint, as 'ssh-keygen -lf' prints it " +
                           "(SHA256:base64, the prefix may be left out). Get it on the server with: " +
                           "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub. Any other key is refused.")]
    public string HostKeyFingerprint { get; set; } = "";

    /// <summary>Folder that receives the recordings.</summary>
    [Description("Folder that receives the recordings; created if missing. Relative to the login folder, or absolute " +
                 "when it starts with '/'. Empty: the login folder itself.")]
    public string? RootFolder { get; set; }

    /// <summary>Connect timeout in seconds.</summary>
    [Range(1, 600), Description("Seconds to wait for the connection and the login.")]
    public int ConnectTimeoutSeconds { get; set; } = 15;

    /// <summary>Per-request timeout in seconds.</summary>
    [Range(1, 3600), Description("Seconds to wait for the server's answer to one request.")]
    public int OperationTimeoutSeconds { get; set; } = 60;

    /// <summary>Most SFTP sessions open at once.</summary>
    [Range(1, 32), Description("Most SSH connections open at once (one per concurrent transfer).")]
    public int MaxConnections { get; set; } = 4;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasKey = !string.IsNullOrWhiteSpace(PrivateKey);
        if (string.IsNullOrEmpty(Password) && !hasKey)
            yield return new ValidationResult("give a password (passwordEnv or passwordFile) or a private key " +
                                              "(privateKeyFile: the key file's path)", ["password"]);
        if (hasKey && !PrivateKey!.Contains("PRIVATE KEY", StringComparison.Ordinal) &&
            !PrivateKey.StartsWith("PuTTY-User-Key-File-", StringComparison.Ordinal))
            yield return new ValidationResult("this is not a private key (no '-----BEGIN ... PRIVATE KEY-----' line); " +
                                              "give the key file's path as privateKeyFile", ["privateKey"]);
        if (!string.IsNullOrEmpty(PrivateKeyPassphrase) && !hasKey)
            yield return new ValidationResult("a passphrase needs a private key (privateKeyFile)", ["privateKeyPassphrase"]);
        if (!string.IsNullOrWhiteSpace(HostKeyFingerprint) && Sftp.HostKeyFingerprint.Normalize(HostKeyFingerprint) is null)
            yield return new ValidationResult("give the SHA-256 fingerprint as 'ssh-keygen -lf KEY.pub' prints it, " +
                                              "e.g. \"SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s\"", ["hostKeyFingerprint"]);
        if (!string.IsNullOrEmpty(RootFolder))
        {
            var root = RootFolder.Trim('/');
            if (root.Contains('\\') || (root.Length > 0 && root.Split('/').Any(s => s is "" or "." or "..")))
                yield return new ValidationResult("use a '/'-separated folder such as \"cameras\" or \"/srv/cameras\" " +
                                                  "(no empty, '.' or '..' parts)", ["rootFolder"]);
        }
    }
}
