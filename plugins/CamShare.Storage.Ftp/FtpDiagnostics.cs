using CamShare.Abstractions;

namespace CamShare.Storage.Ftp;

/// <summary>What `camshare check` prints for an FTP storage: connection and TLS, features, root folder, data path.</summary>
internal static class FtpDiagnostics
{
    public static async Task<IReadOnlyList<DiagnosticResult>> RunAsync(FtpSettings settings, string root, CancellationToken cancellationToken)
    {
        var results = new List<DiagnosticResult>();
        FtpControlConnection connection;
        try
        {
            // A slot of its own (the last one would do, but diagnostics must not wait for a busy pool).
            connection = await FtpControlConnection.OpenAsync(settings, 1000, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException ex)
        {
            results.Add(new DiagnosticResult("login", false, ex.Message));
            return results;
        }
        await using (connection.ConfigureAwait(false))
        {
            results.Add(new DiagnosticResult("login", true, $"logged in to {settings.Host}:{settings.Port} as {settings.Username}; " +
                                                             $"login folder '{(connection.Home.Length == 0 ? "/" : connection.Home)}'"));
            results.Add(new DiagnosticResult("TLS", true, settings.UsesTls
                ? $"{settings.TlsMode.ToString().ToLowerInvariant()} TLS: {connection.TlsDescription}, certificate SHA-256 {settings.Trust.LastFingerprint}"
                : "none: password and recordings are sent unencrypted"));
            results.Add(new DiagnosticResult("features", true, $"FEAT: {connection.Features.Summary}; listings use " +
                                                                (connection.Features.Mlsd ? "MLSD" : "LIST (no MLSD) with MDTM")));
            var rootPath = connection.Home + "/" + root;
            try
            {
                var entries = await FtpDirectory.ListAsync(connection, root.Length == 0 ? (connection.Home.Length == 0 ? "/" : connection.Home) : rootPath,
                    cancellationToken).ConfigureAwait(false);
                results.Add(new DiagnosticResult("data connection", true, $"passive listing of the root folder works " +
                    $"({entries.Count} entries{(settings.UsesTls ? ", over TLS" : "")})"));
            }
            catch (StorageException ex)
            {
                results.Add(new DiagnosticResult("data connection", false, ex.Message));
            }
        }
        return results;
    }
}
