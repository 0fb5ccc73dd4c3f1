using System.Security.Cryptography;
using System.Text;
using CamShare.Testing;

namespace CamShare.Storage.WebDav.Tests.Fixtures;

/// <summary>
/// Apache 2.4 mod_dav_fs over HTTPS with a self-signed certificate (made by openssl at start, pinned by its
/// SHA-256 fingerprint in the provider options) and Digest authentication (mod_auth_digest, MD5).
/// The folder "short-nonce" issues Digest nonces that go stale after one second.
/// </summary>
public sealed class ApacheWebDavFixture : WebDavServerFixture
{
    public const string Realm = "camshare dav";
    private const string Apache = "/usr/sbin/apache2";
    private const string Modules = "/usr/lib/apache2/modules";

    public ApacheWebDavFixture() : base("apache-dav")
    {
    }

    private readonly int _port = FreePort.Next();
    protected override int Port => _port;

    public override string BaseUrl => $"https://127.0.0.1:{_port}/dav/";

    public string CertificateFile { get; private set; } = "";
    public string CertificateFingerprint { get; private set; } = "";

    private string Config => Path.Combine(Base, "httpd.conf");

    protected override (string FileName, string[] Arguments) Command => (Apache, ["-f", Config, "-DFOREGROUND"]);

    public override WebDavStorageOptions Options()
    {
        var options = base.Options();
        options.CertificateFingerprint = CertificateFingerprint;
        options.Authentication = WebDavAuthentication.Auto;
        return options;
    }

    protected override async Task PrepareAsync()
    {
        RequireBinary(Apache);
        foreach (var module in new[] { "mod_dav.so", "mod_dav_fs.so", "mod_auth_digest.so", "mod_ssl.so" })
            RequireFile(Path.Combine(Modules, module), "apache2");
        foreach (var folder in new[] { "lock", "run", "logs", Path.Combine("data", "short-nonce") })
            Directory.CreateDirectory(Path.Combine(Base, folder));
        (CertificateFile, var key) = await TestCertificates.SelfSignedAsync(Base, "apache");
        CertificateFingerprint = TestCertificates.Fingerprint(CertificateFile);

        // htdigest format: user:realm:MD5(user:realm:password), written here so no apache2-utils is needed.
        var ha1 = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{User}:{Realm}:{Password}")));
        WriteReadable(Path.Combine(Base, "htdigest"), $"{User}:{Realm}:{ha1}\n");
        await GiveToWebServerAsync(Data, Path.Combine(Base, "lock"));

        WriteReadable(Config, $"""
            ServerRoot "{Base}"
            ServerName 127.0.0.1
            Listen 127.0.0.1:{_port}
            PidFile "{Base}/run/httpd.pid"
            DefaultRuntimeDir "{Base}/run"
            Mutex file:{Base}/run default
            ErrorLog "{Base}/logs/error.log"
            LogLevel warn
            LogFormat "%h %u \"%r\" %>s %b" common
            CustomLog "{Base}/logs/access.log" common
            LoadModule mpm_event_module {Modules}/mod_mpm_event.so
            LoadModule authz_core_module {Modules}/mod_authz_core.so
            LoadModule authz_user_module {Modules}/mod_authz_user.so
            LoadModule authn_core_module {Modules}/mod_authn_core.so
            LoadModule authn_file_module {Modules}/mod_authn_file.so
            LoadModule auth_digest_module {Modules}/mod_auth_digest.so
            LoadModule alias_module {Modules}/mod_alias.so
            LoadModule dav_module {Modules}/mod_dav.so
            LoadModule dav_fs_module {Modules}/mod_dav_fs.so
            LoadModule mime_module {Modules}/mod_mime.so
            LoadModule socache_shmcb_module {Modules}/mod_socache_shmcb.so
            LoadModule ssl_module {Modules}/mod_ssl.so
            User www-data
            Group www-data
            TypesConfig /etc/mime.types
            DavLockDB "{Base}/lock/DavLock"
            LimitRequestBody 0
            Timeout 60
            SSLEngine on
            SSLCertificateFile "{CertificateFile}"
            SSLCertificateKeyFile "{key}"
            SSLSessionCache shmcb:{Base}/run/ssl_scache(512000)
            Alias /dav "{Data}"
            <Directory />
              Require all denied
              AllowOverride None
            </Directory>
            <Directory "{Data}">
              Dav On
              Options None
              AllowOverride None
              AuthType Digest
              AuthName "{Realm}"
              AuthDigestDomain /dav/
              AuthDigestProvider file
              AuthUserFile "{Base}/htdigest"
              Require valid-user
            </Directory>
            <Directory "{Data}/short-nonce">
              AuthDigestNonceLifetime 1
            </Directory>
            """);
        await RunAsync(Apache, "-f", Config, "-t");
    }
}
