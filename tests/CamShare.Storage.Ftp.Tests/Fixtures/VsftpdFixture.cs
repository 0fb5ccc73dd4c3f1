using System.Security.Cryptography;

namespace CamShare.Storage.Ftp.Tests.Fixtures;

/// <summary>
/// vsftpd 3.0.3, unpacked from Debian's package into artifacts/test-tools/vsftpd (it conflicts with
/// proftpd-basic as a package). No MLSD, so listings go through LIST; TLS is forced for login and data, and
/// require_ssl_reuse=YES refuses any data connection that does not resume the control connection's TLS session.
/// vsftpd knows only system users: the tests log in as "camshare-ftp" (made by .ci/install.d/ftp.sh, no shell), whose
/// password this test process sets to a random one (chpasswd, as root) and locks again when it exits.
/// </summary>
public sealed class VsftpdFixture() : FtpServerFixture("vsftpd")
{
    public const string SystemUser = "camshare-ftp";
    private static readonly Lazy<string> ProcessPassword = new(SetRandomPassword);

    public static string Vsftpd => Path.Combine(CamShare.Testing.RepoPaths.TestTools, "vsftpd", "usr", "sbin", "vsftpd");

    public override string User => SystemUser;
    public override string Password => ProcessPassword.Value;

    private string Config => Path.Combine(Base, "vsftpd.conf");

    protected override (string FileName, string[] Arguments) Command => (Vsftpd, [Config]);

    protected override IEnumerable<string> LogFiles => [Path.Combine(Base, "vsftpd.log")];

    protected override async Task PrepareAsync()
    {
        RequireBinary(Vsftpd, "run `bash .ci/install` (it unpacks vsftpd into artifacts/test-tools)");
        _ = Password;
        Directory.CreateDirectory(Path.Combine(Base, "empty"));
        await RunAsync("chown", "-R", $"{SystemUser}:", Data);
        WriteFile(Config, $"""
            listen=YES
            listen_ipv6=NO
            listen_address=127.0.0.1
            listen_port={Port}
            background=NO
            anonymous_enable=NO
            local_enable=YES
            write_enable=YES
            local_umask=022
            local_root={Data}
            chroot_local_user=YES
            allow_writeable_chroot=YES
            secure_chroot_dir={Base}/empty
            pam_service_name=camshare-vsftpd-test
            pasv_enable=YES
            pasv_address=127.0.0.1
            port_enable=NO
            xferlog_enable=YES
            vsftpd_log_file={Base}/vsftpd.log
            dual_log_enable=YES
            log_ftp_protocol=YES
            seccomp_sandbox=NO
            utf8_filesystem=YES
            max_per_ip=50
            ssl_enable=YES
            rsa_cert_file={CertificateFile}
            rsa_private_key_file={KeyFile}
            allow_anon_ssl=NO
            force_local_logins_ssl=YES
            force_local_data_ssl=YES
            ssl_tlsv1=NO
            ssl_sslv2=NO
            ssl_sslv3=NO
            require_ssl_reuse=YES
            ssl_ciphers=HIGH
            """);
    }

    /// <summary>Lines of vsftpd's protocol log (commands and replies), to prove what happened.</summary>
    public string ProtocolLog => File.Exists(Path.Combine(Base, "vsftpd.log")) ? File.ReadAllText(Path.Combine(Base, "vsftpd.log")) : "";

    private static string SetRandomPassword()
    {
        if (Environment.UserName != "root")
            throw new InvalidOperationException("the vsftpd tests set the test user's password with chpasswd: run them as root");
        var password = "v" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        try
        {
            RunWithInputAsync($"{SystemUser}:{password}\n", "/usr/sbin/chpasswd").GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException($"cannot set the password of {SystemUser} (run `bash .ci/install`, which adds the user): {ex.Message}", ex);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { RunAsync("/usr/sbin/usermod", "-L", SystemUser).GetAwaiter().GetResult(); }
            catch (InvalidOperationException) { }
        };
        return password;
    }
}
