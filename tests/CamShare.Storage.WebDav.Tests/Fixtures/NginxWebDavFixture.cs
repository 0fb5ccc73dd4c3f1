using CamShare.Testing;

namespace CamShare.Storage.WebDav.Tests.Fixtures;

/// <summary>
/// nginx with the dav module and dav-ext (PROPFIND, OPTIONS) over plain http with Basic authentication,
/// <c>create_full_put_path off</c> (the client creates folders itself). A second listener serves https with a
/// certificate signed by a private test CA, for the caFile option.
/// </summary>
public sealed class NginxWebDavFixture : WebDavServerFixture
{
    private const string Nginx = "/usr/sbin/nginx";
    private const string DavExt = "/usr/lib/nginx/modules/ngx_http_dav_ext_module.so";

    public override string? HidesDotNames =>
        "nginx's dav-ext module leaves names starting with '.' out of PROPFIND answers (measured)";

    public NginxWebDavFixture() : base("nginx-dav")
    {
    }

    private readonly int _port = FreePort.Next();
    private readonly int _tlsPort = FreePort.Next();
    protected override int Port => _port;

    public override string BaseUrl => $"http://127.0.0.1:{_port}/";
    public string HttpsBaseUrl => $"https://127.0.0.1:{_tlsPort}/";

    /// <summary>The private CA that signed the https listener's certificate.</summary>
    public string CaFile { get; private set; } = "";
    public string CertificateFingerprint { get; private set; } = "";

    private string Config => Path.Combine(Base, "nginx.conf");

    protected override (string FileName, string[] Arguments) Command =>
        (Nginx, ["-c", Config, "-p", Base, "-e", Path.Combine(Base, "logs", "error.log"), "-g", "daemon off;"]);

    protected override async Task PrepareAsync()
    {
        RequireBinary(Nginx);
        RequireFile(DavExt, "libnginx-mod-http-dav-ext");
        foreach (var folder in new[] { "tmp", "logs" }) Directory.CreateDirectory(Path.Combine(Base, folder));
        var (ca, cert, key) = await TestCertificates.CaSignedAsync(Base, "nginx");
        CaFile = ca;
        CertificateFingerprint = TestCertificates.Fingerprint(cert);

        var hash = await OpensslPasswdAsync(Password);
        WriteReadable(Path.Combine(Base, "htpasswd"), $"{User}:{hash}\n");
        await GiveToWebServerAsync(Data, Path.Combine(Base, "tmp"));

        WriteReadable(Config, $$"""
            load_module {{DavExt}};
            user www-data;
            worker_processes 1;
            pid {{Base}}/nginx.pid;
            error_log {{Base}}/logs/error.log warn;
            events { worker_connections 256; }
            http {
              access_log {{Base}}/logs/access.log;
              client_body_temp_path {{Base}}/tmp;
              proxy_temp_path {{Base}}/tmp/proxy;
              fastcgi_temp_path {{Base}}/tmp/fcgi;
              uwsgi_temp_path {{Base}}/tmp/uwsgi;
              scgi_temp_path {{Base}}/tmp/scgi;
              client_max_body_size 0;
              server {
                listen 127.0.0.1:{{_port}};
                listen 127.0.0.1:{{_tlsPort}} ssl;
                ssl_certificate {{cert}};
                ssl_certificate_key {{key}};
                root {{Data}};
                auth_basic "webdav";
                auth_basic_user_file {{Base}}/htpasswd;
                location / {
                  dav_methods PUT DELETE MKCOL COPY MOVE;
                  dav_ext_methods PROPFIND OPTIONS;
                  create_full_put_path off;
                  dav_access user:rw group:rw all:r;
                }
              }
            }
            """);
        await RunAsync(Nginx, "-t", "-c", Config, "-p", Base, "-e", Path.Combine(Base, "logs", "error.log"));
    }

    private static async Task<string> OpensslPasswdAsync(string password)
    {
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in new[] { "passwd", "-apr1", "-stdin" }) info.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(info)!;
        await process.StandardInput.WriteAsync(password + "\n");
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException("openssl passwd failed: " + await process.StandardError.ReadToEndAsync());
        return output.Trim();
    }
}
