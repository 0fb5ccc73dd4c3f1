using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using CamShare.Abstractions;

namespace CamShare.Storage.WebDav;

/// <summary>How the client proves who it is.</summary>
public enum WebDavAuthentication
{
    /// <summary>Whatever the server asks for (Digest preferred over Basic).</summary>
    Auto,
    /// <summary>Basic, sent with every request (use it over https only).</summary>
    Basic,
    /// <summary>Digest (RFC 7616, MD5 or SHA-256); refuses a server that offers only Basic.</summary>
    Digest,
}

[Description("A WebDAV server: Nextcloud, ownCloud, Apache mod_dav, nginx dav-ext, a NAS. Uploads go to a temporary " +
            "name in the target folder and are moved onto the key, so nobody sees a partial file.")]
public sealed class WebDavStorageOptions : IValidatableObject
{
    [Required, Description("Address of the WebDAV folder, http or https. Nextcloud/ownCloud: " +
                                "https://HOST/remote.php/dav/files/USER/")]
    public string BaseUrl { get; set; } = "";

    [Description("User name. Leave empty for a server without authentication.")]
    public string? Username { get; set; }

    [Secret, Description("Password (give it as passwordEnv or passwordFile). Nextcloud: an app password.")]
    public string? Password { get; set; }

    [Description("Folder under baseUrl that receives the recordings; created if missing. Empty: baseUrl itself.")]
    public string? RootFolder { get; set; }

    [Description("auto (what the server asks for; Digest preferred), basic or digest.")]
    public WebDavAuthentication Authentication { get; set; } = WebDavAuthentication.Auto;

    [Description("https only: SHA-256 fingerprint of the server's certificate (hex, colons allowed). The certificate " +
                "is accepted if and only if it matches, even when self-signed. Get it with: openssl s_client " +
                "-connect HOST:443 </dev/null | openssl x509 -noout -fingerprint -sha256")]
    public string? CertificateFingerprint { get; set; }

    [Description("https only: PEM file with the certificate authority that signed the server's certificate " +
                "(a private CA). The server certificate must chain to it and match the host name.")]
    public string? CaFile { get; set; }

    [Description("Seconds to wait for a connection, a response, or the next chunk of an upload to be accepted.")]
    public int TimeoutSeconds { get; set; } = 60;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(BaseUrl))
        {
            yield return new ValidationResult("set it to the WebDAV folder's address, e.g. " +
                "\"https://cloud.example.org/remote.php/dav/files/alice/\"", ["baseUrl"]);
        }
        else if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) ||
                 (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("use an absolute http:// or https:// address", ["baseUrl"]);
        }
        else
        {
            if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
                yield return new ValidationResult("remove the '?query' or '#fragment' part", ["baseUrl"]);
            if (!string.IsNullOrEmpty(uri.UserInfo))
                yield return new ValidationResult("put the user name in 'username' and the password in " +
                                                          "'passwordEnv' or 'passwordFile', not in the address", ["baseUrl"]);
            var tls = uri.Scheme == Uri.UriSchemeHttps;
            if (!tls && !string.IsNullOrEmpty(CertificateFingerprint))
                yield return new ValidationResult("only used with an https:// baseUrl", ["certificateFingerprint"]);
            if (!tls && !string.IsNullOrEmpty(CaFile))
                yield return new ValidationResult("only used with an https:// baseUrl", ["caFile"]);
        }

        if (!string.IsNullOrEmpty(CertificateFingerprint) && !string.IsNullOrEmpty(CaFile))
            yield return new ValidationResult("set either certificateFingerprint or caFile, not both", ["certificateFingerprint"]);
        if (!string.IsNullOrEmpty(CertificateFingerprint) && CertificateTrust.NormalizeFingerprint(CertificateFingerprint) is null)
            yield return new ValidationResult("give the SHA-256 fingerprint as 64 hex digits " +
                "(colons allowed), as printed by 'openssl x509 -noout -fingerprint -sha256'", ["certificateFingerprint"]);
        if (!string.IsNullOrEmpty(CaFile) && !File.Exists(CaFile))
            yield return new ValidationResult($"file '{CaFile}' does not exist; give the path of the CA's PEM certificate", ["caFile"]);

        if (string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password))
            yield return new ValidationResult("set the user name that goes with the password", ["username"]);
        if (!string.IsNullOrEmpty(Username) && Password is null)
            yield return new ValidationResult("give the password with passwordEnv or passwordFile", ["password"]);
        if (Authentication != WebDavAuthentication.Auto && string.IsNullOrEmpty(Username))
            yield return new ValidationResult("basic and digest need a username and a password", ["authentication"]);

        if (!string.IsNullOrEmpty(RootFolder))
        {
            var root = RootFolder.Trim('/');
            if (root.Contains('\\') || root.Split('/').Any(s => s is "" or "." or ".."))
                yield return new ValidationResult("use a relative '/'-separated folder such as \"Cameras\" " +
                                                             "or \"Backups/Cameras\" (no empty, '.' or '..' parts)", ["rootFolder"]);
        }

        if (TimeoutSeconds is < 1 or > 3600)
            yield return new ValidationResult("use a value between 1 and 3600 seconds", ["timeoutSeconds"]);
    }
}
