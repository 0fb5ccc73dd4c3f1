using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CamShare.Storage.Ftp;

/// <summary>
/// Whether the server's certificate is trusted: exactly one pinned SHA-256 fingerprint, or a chain to the CA in
/// caFile plus a matching host, or else the machine's own validation. Never "accept anything". The control and
/// every data connection are checked the same way.
/// </summary>
internal sealed class CertificateTrust
{
    private readonly string _host;
    private readonly byte[]? _pinned;
    private readonly X509Certificate2Collection? _authorities;
    private volatile string? _lastRejection;

    public CertificateTrust(string host, string? fingerprint, string? caFile)
    {
        _host = host;
        if (!string.IsNullOrWhiteSpace(fingerprint))
            _pinned = Convert.FromHexString(NormalizeFingerprint(fingerprint)
                ?? throw new ArgumentException("certificateFingerprint is not a SHA-256 fingerprint"));
        if (!string.IsNullOrWhiteSpace(caFile))
        {
            _authorities = [];
            _authorities.ImportFromPemFile(caFile);
        }
    }

    /// <summary>Why the last certificate was refused (for the error message); null if none was.</summary>
    public string? LastRejection => _lastRejection;

    /// <summary>SHA-256 fingerprint of the last certificate seen, "AB:CD:..." (for diagnostics).</summary>
    public string? LastFingerprint { get; private set; }

    /// <summary>Upper-case hex without separators, or null when the text is no SHA-256 fingerprint.</summary>
    public static string? NormalizeFingerprint(string text)
    {
        var equals = text.LastIndexOf('='); // openssl's whole line: "sha256 Fingerprint=AB:CD:..."
        if (equals >= 0) text = text[(equals + 1)..];
        var hex = new string(text.Where(c => c is not (':' or ' ' or '-')).ToArray());
        return hex.Length == 64 && hex.All(Uri.IsHexDigit) ? hex.ToUpperInvariant() : null;
    }

    public static string Format(ReadOnlySpan<byte> hash) =>
        string.Join(':', Convert.ToHexString(hash).Chunk(2).Select(c => new string(c)));

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            _lastRejection = "the server sent no certificate";
            return false;
        }
        var actual = SHA256.HashData(certificate.GetRawCertData());
        LastFingerprint = Format(actual);
        if (_pinned is not null)
        {
            if (CryptographicOperations.FixedTimeEquals(actual, _pinned)) return true;
            _lastRejection = $"the server's certificate has SHA-256 fingerprint {Format(actual)}, not the pinned " +
                             $"certificateFingerprint {Format(_pinned)} (if the certificate was renewed, pin the new one)";
            return false;
        }
        using var leaf = new X509Certificate2(certificate);
        // One rule for names and addresses (IP SAN entries): the configured host must be on the certificate.
        if (!leaf.MatchesHostname(_host, allowWildcards: true, allowCommonName: true))
        {
            _lastRejection = $"the server's certificate is not issued to '{_host}' (SHA-256 {Format(actual)})";
            return false;
        }
        if (_authorities is not null)
        {
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(_authorities);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
                foreach (var element in chain.ChainElements.Skip(1))
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            if (custom.Build(leaf)) return true;
            _lastRejection = "the server's certificate does not chain to the CA in caFile (" +
                             string.Join(", ", custom.ChainStatus.Select(s => s.StatusInformation.Trim()).Distinct()) + ")";
            return false;
        }
        if ((errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None) return true;
        _lastRejection = $"the server's certificate is not trusted by this machine ({errors}, SHA-256 {Format(actual)}); " +
                         "for a self-signed certificate set certificateFingerprint or caFile";
        return false;
    }
}
