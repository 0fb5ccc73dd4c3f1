using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace CamShare.Storage.Sftp;

/// <summary>Opens one logged-in SFTP session with the storage's credentials, refusing any unpinned host key.</summary>
internal sealed class SftpConnector(SftpStorageOptions options, SftpErrors errors)
{
    // Writes are capped by the server's packet size (OpenSSH: 32 KiB) anyway; a large buffer makes reads
    // ask for as much as the server allows per request.
    private const uint BufferSize = 256 * 1024;

    private readonly string _expected = HostKeyFingerprint.Normalize(options.HostKeyFingerprint) ?? options.HostKeyFingerprint;

    public async Task<SftpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var info = new ConnectionInfo(options.Host, options.Port, options.Username, AuthenticationMethods())
        {
            Timeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
        };
        var client = new SftpClient(info)
        {
            OperationTimeout = TimeSpan.FromSeconds(options.OperationTimeoutSeconds),
            BufferSize = BufferSize,
            KeepAliveInterval = TimeSpan.FromSeconds(30),
        };
        string? seen = null;
        client.HostKeyReceived += (_, e) =>
        {
            seen = e.FingerPrintSHA256.TrimEnd('=');
            e.CanTrust = string.Equals(seen, _expected, StringComparison.Ordinal);
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.ConnectTimeoutSeconds) * 2);
        try
        {
            await client.ConnectAsync(timeout.Token).ConfigureAwait(false);
            return client;
        }
        catch (Exception ex)
        {
            client.Dispose();
            if (seen is not null && !string.Equals(seen, _expected, StringComparison.Ordinal))
                throw new HostKeyMismatchException(_expected, seen, options.Host, options.Port, ex);
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                throw errors.Classify(new SshOperationTimeoutException(
                    $"no SSH session within {options.ConnectTimeoutSeconds * 2} s"), "connect", cancellationToken);
            throw errors.Classify(ex, "connect", cancellationToken);
        }
    }

    private AuthenticationMethod[] AuthenticationMethods()
    {
        var methods = new List<AuthenticationMethod>();
        if (!string.IsNullOrWhiteSpace(options.PrivateKey))
            methods.Add(new PrivateKeyAuthenticationMethod(options.Username, LoadKey(options.PrivateKey)));
        if (!string.IsNullOrEmpty(options.Password))
            methods.Add(new PasswordAuthenticationMethod(options.Username, options.Password));
        return [.. methods];
    }

    private PrivateKeyFile LoadKey(string text)
    {
        // The key is loaded when connecting (not in the constructor, which must not throw): a bad key or
        // passphrase is a configuration problem a person must fix.
        var passphrase = string.IsNullOrEmpty(options.PrivateKeyPassphrase) ? null : options.PrivateKeyPassphrase;
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.Trim() + "\n"));
            return new PrivateKeyFile(stream, passphrase);
        }
        catch (SshPassPhraseNullOrEmptyException ex)
        {
            throw new CamShare.Abstractions.StorageConfigurationException(
                "the private key is encrypted: give its passphrase as privateKeyPassphrase (or its Env/File form).", ex);
        }
        catch (Exception ex) when (ex is SshException or ArgumentException or FormatException or NotSupportedException
                                       or System.Security.Cryptography.CryptographicException or InvalidOperationException)
        {
            throw new CamShare.Abstractions.StorageConfigurationException(
                $"the private key cannot be read ({errors.Redact(ex.Message)}): is it a private key file, and is " +
                "privateKeyPassphrase right?", ex);
        }
    }
}
