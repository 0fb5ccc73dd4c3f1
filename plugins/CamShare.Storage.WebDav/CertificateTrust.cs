using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CamShare.Storage.WebDav;

/// <summary>
/// Decides whether a server certificate is trusted: the system's validation by default, or exactly one pinned
/// SHA-256 fingerprint, or a chain to a given CA (plus a matching host name). Never "accept anything".
/// </summary>
internal sealed class CertificateTrust
{
    private readonly string? _pinned;
    private readonly X509Certificate2Collection? _authorities;
    private volatile string? _lastRejection;

    private CertificateTrust(string? pinned, X509Certificate2Collection? authorities)
    {
        _pinned = pinned;
        _authorities = authorities;
    }

    public static CertificateTrust Create(WebDavStorageOptions options)
    {
        string? pinned = null;
        X509Certificate2Collection? authorities = null;
        if (!string.IsNullOrWhiteSpace(options.CertificateFingerprint))
            pinned = NormalizeFingerprint(options.CertificateFingerprint)
                     ?? throw new ArgumentException("certificateFingerprint is not a SHA-256 fingerprint (64 hex digits).");
        if (!string.IsNullOrWhiteSpace(options.CaFile))
        {
            authorities = [];
            authorities.ImportFromPemFile(options.CaFile);
            if (authorities.Count == 0)
                throw new ArgumentException($"caFile '{options.CaFile}' holds no PEM certificate.");
        }
        return new CertificateTrust(pinned, authorities);
    }

    /// <summary>Why the last certificate was refused (for the error message); null if none was.</summary>
    public string? LastRejection => _lastRejection;

    /// <summary>Upper-case hex without separators, or null when it is not a SHA-256 fingerprint.</summary>
    public static string? NormalizeFingerprint(string text)
    {
        // Also accept openssl's whole line: "sha256 Fingerprint=AB:CD:...".
        var equals = text.LastIndexOf('=');
        if (equals >= 0) text = text[(equals + 1)..];
        var hex = new string(text.Where(c => c is not (':' or ' ' or '-')).ToArray());
        return hex.Length == 64 && hex.All(Uri.IsHexDigit) ? hex.ToUpperInvariant() : null;
    }

    /// <summary>"AB:CD:..." for messages.</summary>
    public static string Format(string hex) => string.Join(':', hex.Chunk(2).Select(c => new string(c)));

    public static string FingerprintOf(X509Certificate certificate)
    {
        return Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));
    }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            _lastRejection = "the server sent no certificate";
            return false;
        }
        if (_pinned is not null)
        {
            var actual = FingerprintOf(certificate);
            if (CryptographicOperations.FixedTimeEquals(Convert.FromHexString(actual), Convert.FromHexString(_pinned)))
                return true;
            _lastRejection = $"the server's certificate has SHA-256 fingerprint {Format(actual)}, which is not the " +
                             $"pinned certificateFingerprint {Format(_pinned)} (if the server's certificate was " +
                             "renewed, pin the new one)";
            return false;
        }
        if (_authorities is not null)
        {
            if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
            {
                _lastRejection = $"the server's certificate does not match the host name ({errors})";
                return false;
            }
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(_authorities);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
                foreach (var element in chain.ChainElements.Skip(1))
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            using var leaf = new X509Certificate2(certificate);
            if (custom.Build(leaf)) return true;
            var status = string.Join(", ", custom.ChainStatus.Select(s => s.StatusInformation.Trim()).Distinct());
            _lastRejection = $"the server's certificate does not chain to the CA in caFile ({status})";
            return false;
        }
        if (errors == SslPolicyErrors.None) return true;
        _lastRejection = $"the server's certificate is not trusted by this machine ({errors}); for a self-signed " +
                         "certificate set certificateFingerprint or caFile";
        return false;
    }
}
