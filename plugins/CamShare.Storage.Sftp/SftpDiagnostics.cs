using System.Collections;
using System.Reflection;
using CamShare.Abstractions;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace CamShare.Storage.Sftp;

/// <summary>What `camshare check` prints for an SFTP storage: the server, its SFTP extensions, the root folder.</summary>
internal sealed class SftpDiagnostics(SftpStorageOptions options, SftpPaths paths, SftpConnectionPool pool, SftpErrors errors)
{
    // SFTP extensions that compute a file's hash on the server. SSH.NET cannot send any of them, so they are only
    // reported; OpenSSH offers none.
    private static readonly string[] HashExtensions = ["check-file", "check-file-name", "check-file-handle", "md5-hash", "md5-hash-handle"];

    public async Task<IReadOnlyList<DiagnosticResult>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<DiagnosticResult>();
        SftpConnectionPool.Lease lease;
        try
        {
            lease = await pool.RentAsync(allowReuse: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var error = errors.Classify(ex, "connect", cancellationToken);
            results.Add(new DiagnosticResult("SSH server", false, errors.Redact(error.Message)));
            return results;
        }
        using (lease)
        {
            var client = lease.Client;
            results.Add(new DiagnosticResult("SSH server", true,
                $"{options.Host}:{options.Port}: {client.ConnectionInfo.ServerVersion}; host key matches " +
                $"{HostKeyFingerprint.Display(HostKeyFingerprint.Normalize(options.HostKeyFingerprint) ?? "")}; " +
                $"logged in as {options.Username}"));
            var extensions = ReadExtensions(client);
            results.Add(new DiagnosticResult("SFTP extensions", true, extensions is null
                ? $"protocol version {client.ProtocolVersion}; this SSH.NET version does not show the extension list"
                : $"protocol version {client.ProtocolVersion}; {(extensions.Count == 0 ? "none" : string.Join(", ", extensions))}"));
            results.Add(await RenameCheckAsync(client, extensions, cancellationToken).ConfigureAwait(false));
            var hashes = extensions?.Where(e => HashExtensions.Contains(e, StringComparer.Ordinal)).ToList();
            results.Add(new DiagnosticResult("server-side hashes", true, hashes is { Count: > 0 }
                ? $"offered ({string.Join(", ", hashes)}) but not used: SSH.NET cannot send them; uploads are verified by size"
                : "none offered; uploads are verified by size"));
            results.Add(await RootCheckAsync(client, cancellationToken).ConfigureAwait(false));
        }
        return results;
    }

    private static async Task<DiagnosticResult> RenameCheckAsync(SftpClient client, IReadOnlyList<string>? extensions,
        CancellationToken cancellationToken)
    {
        var offered = extensions?.Contains("posix-rename@openssh.com");
        if (offered is null)
        {
            // Probe: SSH.NET refuses locally (NotSupportedException) when the server did not offer the extension.
            var missing = $".camshare-probe-{Guid.NewGuid():N}";
            try
            {
                await Task.Run(() => client.RenameFile(missing, missing + "-2", isPosix: true), cancellationToken).ConfigureAwait(false);
                offered = true;
            }
            catch (NotSupportedException) { offered = false; }
            catch (SftpPathNotFoundException) { offered = true; }
            catch (SshException) { offered = true; }
        }
        return new DiagnosticResult("atomic replace", true, offered.Value
            ? "posix-rename@openssh.com: an object is replaced atomically"
            : "no posix-rename@openssh.com: an object is replaced by delete then rename (briefly absent, never partial)");
    }

    private async Task<DiagnosticResult> RootCheckAsync(SftpClient client, CancellationToken cancellationToken)
    {
        try
        {
            var attributes = await client.GetAttributesAsync(paths.Root, cancellationToken).ConfigureAwait(false);
            if (!attributes.IsDirectory) return new DiagnosticResult("root folder", false, $"'{paths.Root}' is not a folder");
            var free = "";
            try
            {
                var status = await client.GetStatusAsync(paths.Root, cancellationToken).ConfigureAwait(false);
                free = $"; {status.AvailableBlocks * status.BlockSize / (1024 * 1024)} MiB free";
            }
            catch (Exception ex) when (ex is NotSupportedException or SshException) { }
            return new DiagnosticResult("root folder", true, $"'{paths.Root}' exists{free}");
        }
        catch (SftpPathNotFoundException)
        {
            return new DiagnosticResult("root folder", true, $"'{paths.Root}' does not exist yet; the first upload creates it");
        }
        catch (Exception ex) when (ex is SshException)
        {
            return new DiagnosticResult("root folder", false, errors.Classify(ex, "stat root folder", cancellationToken).Message);
        }
    }

    /// <summary>The extension names the server announced, read from SSH.NET's session (which keeps them private);
    /// null when this SSH.NET version keeps them elsewhere. Only for this report: nothing depends on it.</summary>
    private static List<string>? ReadExtensions(SftpClient client)
    {
        try
        {
            var session = typeof(SftpClient).GetField("_sftpSession", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(client);
            var field = session?.GetType().GetField("_supportedExtensions", BindingFlags.Instance | BindingFlags.NonPublic);
            if (field?.GetValue(session) is not IDictionary dictionary) return null;
            return dictionary.Keys.Cast<object>().Select(k => k.ToString() ?? "").Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (ex is FieldAccessException or TargetException or ArgumentException)
        {
            return null;
        }
    }
}
