using System.Globalization;

namespace CamShare.Storage.Ftp.Tests.Fixtures;

/// <summary>
/// ProFTPD 1.3.8 (Debian proftpd-basic): a virtual user from an AuthUserFile (no system account), MLSD, explicit
/// TLS through mod_tls with a self-signed certificate. Data connections must reuse the control connection's TLS
/// session (mod_tls's default; NoSessionReuseRequired is deliberately not set). Plain FTP is allowed too, for the
/// benchmark against curl.
/// </summary>
public class ProftpdFixture() : FtpServerFixture("proftpd")
{
    private const string Proftpd = "/usr/sbin/proftpd";
    private const int VirtualUid = 2001;

    public override string User => "camuser";
    public override string Password => "ftp pässword:1";

    /// <summary>Seconds of silence after which the server closes a control connection with 421.</summary>
    protected virtual int IdleTimeoutSeconds => 600;

    private string Config => Path.Combine(Base, "proftpd.conf");

    protected override (string FileName, string[] Arguments) Command => (Proftpd, ["--nodaemon", "-c", Config]);

    protected override IEnumerable<string> LogFiles =>
        [Path.Combine(Base, "proftpd.log"), Path.Combine(Base, "tls.log"), Path.Combine(Base, "xfer.log")];

    /// <summary>Every TLS event mod_tls logged (the session-reuse evidence is in here).</summary>
    public string TlsLog => File.Exists(Path.Combine(Base, "tls.log")) ? File.ReadAllText(Path.Combine(Base, "tls.log")) : "";

    protected override async Task PrepareAsync()
    {
        RequireBinary(Proftpd, "install proftpd-basic (bash .ci/install)");
        RequireBinary("/usr/lib/proftpd/mod_tls.so", "install proftpd-basic (bash .ci/install)");
        var hash = (await RunWithInputAsync(Password + "\n", "/usr/bin/openssl", "passwd", "-6", "-stdin")).Trim();
        var uid = VirtualUid.ToString(CultureInfo.InvariantCulture);
        WriteFile(Path.Combine(Base, "ftpd.passwd"), $"{User}:{hash}:{uid}:{uid}::{Data}:/bin/false\n", 0b110_000_000);
        WriteFile(Path.Combine(Base, "ftpd.group"), $"{User}:x:{uid}:\n");
        await RunAsync("chown", "-R", $"{uid}:{uid}", Data);
        WriteFile(Config, $"""
            ModulePath /usr/lib/proftpd
            LoadModule mod_tls.c
            ServerName "camshare-test-proftpd"
            ServerType standalone
            UseIPv6 off
            DefaultAddress 127.0.0.1
            SocketBindTight on
            Port {Port}
            User nobody
            Group nogroup
            PidFile {Base}/proftpd.pid
            ScoreboardFile {Base}/proftpd.scoreboard
            DelayEngine off
            WtmpLog off
            UseReverseDNS off
            SystemLog {Base}/proftpd.log
            TransferLog {Base}/xfer.log
            AuthPAM off
            AuthOrder mod_auth_file.c
            AuthUserFile {Base}/ftpd.passwd
            AuthGroupFile {Base}/ftpd.group
            RequireValidShell off
            DefaultRoot ~
            AllowOverwrite on
            Umask 022
            MaxInstances 40
            TimeoutIdle {IdleTimeoutSeconds}
            ListOptions "-a"
            <Directory />
              AllowOverwrite on
            </Directory>
            <IfModule mod_tls.c>
              TLSEngine on
              TLSLog {Base}/tls.log
              TLSProtocol TLSv1.2 TLSv1.3
              TLSRSACertificateFile {CertificateFile}
              TLSRSACertificateKeyFile {KeyFile}
              TLSRequired off
              TLSVerifyClient off
            </IfModule>
            """);
        await RunAsync(Proftpd, "-t", "-c", Config);
    }
}

/// <summary>ProFTPD that drops control connections after 2 idle seconds (421), for the reconnect test.</summary>
public sealed class ShortIdleProftpdFixture : ProftpdFixture
{
    protected override int IdleTimeoutSeconds => 2;
}
