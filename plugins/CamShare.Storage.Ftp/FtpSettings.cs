using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace CamShare.Storage.Ftp;

/// <summary>What every connection of one storage shares: where to connect, how to trust, how long to wait.</summary>
internal sealed class FtpSettings
{
    public FtpSettings(FtpStorageOptions options, string storageName, ILogger logger)
    {
        Host = options.Host.Trim();
        Port = options.EffectivePort;
        Username = options.Username;
        Password = options.Password ?? "";
        TlsMode = options.TlsMode;
        PassiveMode = options.PassiveMode;
        Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        StorageName = storageName;
        Logger = logger;
        Redactor = new SecretRedactor(options.Password);
        Trust = new CertificateTrust(Host, options.CertificateFingerprint, options.CaFile);
    }

    public string Host { get; }
    public int Port { get; }
    public string Username { get; }
    public string Password { get; }
    public FtpTlsMode TlsMode { get; }
    public FtpPassiveMode PassiveMode { get; }
    public TimeSpan Timeout { get; }
    public string StorageName { get; }
    public ILogger Logger { get; }
    public SecretRedactor Redactor { get; }
    public CertificateTrust Trust { get; }
    public bool UsesTls => TlsMode != FtpTlsMode.None;

    /// <summary>Set once EPSV failed on this server: later data connections go straight to PASV.</summary>
    public volatile bool EpsvUnsupported;

    /// <summary>
    /// TLS options for a control connection holding session name <paramref name="slot"/> (from
    /// <see cref="TlsSessionNames"/>) and for every data connection that belongs to it. .NET on Linux resumes a client session only for a target host that is a name (never an
    /// IP address), from a cache keyed by that exact string (ordinal) within one set of TLS settings, keeping one
    /// session per key. Servers such as vsftpd (require_ssl_reuse=YES) insist that each data connection resume
    /// its own control connection's session (ProFTPD compares the session IDs), so each live control connection
    /// spells the host with its own letter case: the same name for SNI and the certificate (both case-insensitive),
    /// a separate entry in the session cache.
    /// </summary>
    public SslClientAuthenticationOptions TlsOptionsFor(int slot) => new()
    {
        TargetHost = SessionName(Host, slot),
        EnabledSslProtocols = SslProtocols.Tls12,
        CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = Trust.Validate,
        AllowTlsResume = true,
    };

    /// <summary><paramref name="host"/> with the letters chosen by the bits of <paramref name="slot"/> in upper case.</summary>
    internal static string SessionName(string host, int slot)
    {
        if (IPAddress.TryParse(host, out _)) return host;
        var chars = host.ToLowerInvariant().ToCharArray();
        var bit = 0;
        for (var i = 0; i < chars.Length && (slot >> bit) != 0; i++)
        {
            if (!char.IsAsciiLetter(chars[i])) continue;
            if (((slot >> bit) & 1) == 1) chars[i] = char.ToUpperInvariant(chars[i]);
            bit++;
        }
        return new string(chars);
    }
}
