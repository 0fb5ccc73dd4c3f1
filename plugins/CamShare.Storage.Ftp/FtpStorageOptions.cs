using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using CamShare.Abstractions;

namespace CamShare.Storage.Ftp;

/// <summary>How the control and data connections are protected.</summary>
public enum FtpTlsMode
{
    /// <summary>Plain connection upgraded with AUTH TLS (RFC 4217), port 21. The default.</summary>
    Explicit,
    /// <summary>TLS from the first byte (the older "FTPS" on port 990).</summary>
    Implicit,
    /// <summary>No encryption at all: password and video travel in clear text. Only when set on purpose.</summary>
    None,
}

/// <summary>How the data connection is opened (always passive: the client connects to the server).</summary>
public enum FtpPassiveMode
{
    /// <summary>EPSV (RFC 2428), falling back to PASV when the server does not know it.</summary>
    Auto,
    /// <summary>EPSV only.</summary>
    Epsv,
    /// <summary>PASV only (old servers, some NAT set-ups).</summary>
    Pasv,
}

/// <summary>Settings of an FTP/FTPS storage.</summary>
[Description("An FTP server, over TLS by default (FTPS with AUTH TLS). Uploads go to a temporary name in the target " +
             "folder and are renamed onto the key, so nobody sees a partial file.")]
public sealed class FtpStorageOptions : IValidatableObject
{
    /// <summary>Server host name or address.</summary>
    [Required, Description("Server host name or IP address (no ftp:// prefix). With a server that insists on TLS " +
                           "session reuse (vsftpd's default), use a host name: .NET resumes TLS sessions by name only.")]
    public string Host { get; set; } = "";

    /// <summary>TCP port of the control connection; null means 21 (990 for implicit TLS).</summary>
    [Range(1, 65535), Description("Control port. Default 21, or 990 with tlsMode implicit.")]
    public int? Port { get; set; }

    /// <summary>User name.</summary>
    [Required, Description("User name.")]
    public string Username { get; set; } = "";

    /// <summary>Password (resolved by the host from password, passwordEnv or passwordFile).</summary>
    [Secret, Description("Password (give it as passwordEnv or passwordFile).")]
    public string? Password { get; set; }

    /// <summary>TLS mode.</summary>
    [Description("explicit (default: AUTH TLS on the normal port), implicit (TLS from the start, port 990) or none " +
                 "(no encryption; only when you really mean it, a warning is logged).")]
    public FtpTlsMode TlsMode { get; set; } = FtpTlsMode.Explicit;

    /// <summary>Pinned SHA-256 certificate fingerprint.</summary>
    [Description("SHA-256 fingerprint of the server's certificate (hex, colons allowed), for a self-signed " +
                 "certificate: it is accepted if and only if it matches. Get it with: openssl s_client -starttls ftp " +
                 "-connect HOST:21 </dev/null | openssl x509 -noout -fingerprint -sha256")]
    public string? CertificateFingerprint { get; set; }

    /// <summary>PEM file of a private CA.</summary>
    [Description("PEM file with the certificate authority that signed the server's certificate (a private CA). " +
                 "The certificate must chain to it and match the host.")]
    public string? CaFile { get; set; }

    /// <summary>Passive mode.</summary>
    [Description("auto (EPSV, falling back to PASV), epsv or pasv.")]
    public FtpPassiveMode PassiveMode { get; set; } = FtpPassiveMode.Auto;

    /// <summary>Folder that receives the recordings.</summary>
    [Description("Folder under the login folder that receives the recordings; created if missing. Empty: the login folder.")]
    public string? RootFolder { get; set; }

    /// <summary>Connections kept open, one per transfer in flight.</summary>
    [Range(1, 16), Description("Most control connections open at once (one per transfer in flight).")]
    public int MaxConnections { get; set; } = 2;

    /// <summary>Network timeout in seconds.</summary>
    [Range(1, 3600), Description("Seconds to wait for a connection, a reply, or the next block of a transfer.")]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>The control port in effect.</summary>
    public int EffectivePort => Port ?? (TlsMode == FtpTlsMode.Implicit ? 990 : 21);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Host.Contains("://", StringComparison.Ordinal) || Host.Contains('/') || Host.Contains('@'))
            yield return new ValidationResult("give only the host name or address, e.g. \"nas.local\" (no ftp://, " +
                                              "no path, no user)", ["host"]);
        if (Password is null)
            yield return new ValidationResult("give the password with passwordEnv or passwordFile", ["password"]);
        var pinned = !string.IsNullOrWhiteSpace(CertificateFingerprint);
        var ca = !string.IsNullOrWhiteSpace(CaFile);
        if (pinned && CertificateTrust.NormalizeFingerprint(CertificateFingerprint!) is null)
            yield return new ValidationResult("give the SHA-256 fingerprint as 64 hex digits (colons allowed), as " +
                                              "printed by 'openssl x509 -noout -fingerprint -sha256'", ["certificateFingerprint"]);
        if (pinned && ca)
            yield return new ValidationResult("set either certificateFingerprint or caFile, not both", ["certificateFingerprint"]);
        if (ca && !File.Exists(CaFile))
            yield return new ValidationResult($"file '{CaFile}' does not exist; give the path of the CA's PEM certificate", ["caFile"]);
        if (TlsMode == FtpTlsMode.None && (pinned || ca))
            yield return new ValidationResult("tlsMode is none: there is no certificate to check; use explicit or implicit",
                [pinned ? "certificateFingerprint" : "caFile"]);
        if (!string.IsNullOrEmpty(RootFolder))
        {
            var root = RootFolder.Trim('/');
            if (root.Contains('\\') || root.Split('/').Any(s => s is "" or "." or ".."))
                yield return new ValidationResult("use a relative '/'-separated folder such as \"Cameras\" or " +
                                                  "\"Backups/Cameras\" (no empty, '.' or '..' parts)", ["rootFolder"]);
        }
        if (Host.Contains('\r') || Host.Contains('\n') || Username.Contains('\r') || Username.Contains('\n') ||
            (RootFolder?.IndexOfAny(['\r', '\n']) ?? -1) >= 0)
            yield return new ValidationResult("line breaks cannot be sent over FTP", ["username"]);
    }
}
