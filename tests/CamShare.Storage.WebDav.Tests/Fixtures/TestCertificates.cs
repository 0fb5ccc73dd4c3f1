using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CamShare.Storage.WebDav.Tests.Fixtures;

/// <summary>Certificates made with openssl at fixture start: a self-signed one, and a private CA plus a leaf.</summary>
public static class TestCertificates
{
    /// <summary>A self-signed certificate for 127.0.0.1 (cert.pem, key.pem in <paramref name="folder"/>).</summary>
    public static async Task<(string Cert, string Key)> SelfSignedAsync(string folder, string name)
    {
        var cert = Path.Combine(folder, name + ".pem");
        var key = Path.Combine(folder, name + ".key");
        await Openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert);
        return (cert, key);
    }

    /// <summary>A private CA (ca.pem) and a leaf for 127.0.0.1 signed by it.</summary>
    public static async Task<(string Ca, string Cert, string Key)> CaSignedAsync(string folder, string name)
    {
        var caKey = Path.Combine(folder, name + "-ca.key");
        var ca = Path.Combine(folder, name + "-ca.pem");
        var key = Path.Combine(folder, name + ".key");
        var csr = Path.Combine(folder, name + ".csr");
        var cert = Path.Combine(folder, name + ".pem");
        var ext = Path.Combine(folder, name + ".ext");
        await Openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=CamShare Test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", caKey, "-out", ca);
        await Openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", csr);
        await File.WriteAllTextAsync(ext, "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n" +
                                          "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        await Openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-days", "2",
            "-extfile", ext, "-out", cert);
        return (ca, cert, key);
    }

    /// <summary>SHA-256 fingerprint as openssl prints it ("AB:CD:...").</summary>
    public static string Fingerprint(string pemFile)
    {
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(pemFile));
        return string.Join(':', Convert.ToHexString(SHA256.HashData(cert.RawData)).Chunk(2).Select(c => new string(c)));
    }

    private static async Task Openssl(params string[] arguments)
    {
        if (!File.Exists("/usr/bin/openssl"))
            throw new InvalidOperationException("openssl is missing: run `bash .ci/install`.");
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed: {await stderr}");
    }
}
