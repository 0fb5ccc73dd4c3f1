namespace CamShare.Abstractions;

// Optional capabilities: a provider implements one of these only when its backend really offers it.
// The host discovers them with `is`; none may be faked (no "share link" that is not one).

/// <summary>Time-limited links that let a person without credentials download an object.</summary>
public interface IShareLinkCapability
{
    /// <summary>Creates a link to <paramref name="key"/> valid for about <paramref name="validFor"/>.</summary>
    /// <exception cref="StorageNotFoundException">No object exists at the key.</exception>
    /// <exception cref="NotSupportedException">This particular backend instance cannot make links
    /// (e.g. an rclone remote type without link support); the message says why.</exception>
    Task<Uri> CreateShareLinkAsync(string key, TimeSpan validFor, CancellationToken cancellationToken);
}

/// <summary>Checksums computed by the server on demand, without downloading the object.</summary>
public interface IServerSideHashCapability
{
    /// <summary>The algorithms (see <see cref="ChecksumAlgorithms"/>) the server can compute.</summary>
    IReadOnlyCollection<string> SupportedHashes { get; }

    /// <summary>Asks the server for the checksum of <paramref name="key"/>.</summary>
    /// <exception cref="StorageNotFoundException">No object exists at the key.</exception>
    Task<ObjectChecksum> GetHashAsync(string key, string algorithm, CancellationToken cancellationToken);
}

/// <summary>Provider-specific health checks that `camshare check` runs and prints (one line each).</summary>
public interface IStorageDiagnostics
{
    /// <summary>Runs the checks; each result is a line for a person. Must not throw for a failed check.</summary>
    Task<IReadOnlyList<DiagnosticResult>> DiagnoseAsync(CancellationToken cancellationToken);
}

/// <summary>One diagnostic line.</summary>
/// <param name="Name">Short name of the check, e.g. "rclone version".</param>
/// <param name="Ok">Whether it passed. A warning that needs no action is Ok.</param>
/// <param name="Detail">What was found, for a person. No secrets.</param>
public sealed record DiagnosticResult(string Name, bool Ok, string Detail);

/// <summary>
/// Backends with real folders (a file system, WebDAV, FTP, SFTP, Drive) remove a folder that retention emptied.
/// Object stores with key prefixes only (S3) do not implement this.
/// </summary>
public interface IFolderCleanupCapability
{
    /// <summary>Removes the folder <paramref name="folder"/> (a key prefix without the trailing '/') if it is
    /// empty; does nothing when it holds anything or does not exist. Never removes the storage's root.</summary>
    Task RemoveFolderIfEmptyAsync(string folder, CancellationToken cancellationToken);
}

/// <summary>Grants named people read access to a folder (Google Drive shares with e-mail addresses).</summary>
public interface IFolderSharingCapability
{
    /// <summary>Gives each address in <paramref name="readers"/> read access to <paramref name="folder"/> and
    /// everything under it; an address that already has access is left as it is. Returns what was done, a line
    /// per address, for a person.</summary>
    Task<IReadOnlyList<string>> ShareFolderAsync(string folder, IReadOnlyList<string> readers, CancellationToken cancellationToken);
}

/// <summary>
/// A one-time interactive set-up a person runs with <c>camshare auth STORAGE</c>, such as an OAuth consent that
/// stores a refresh token (Google Drive). Works on a headless device: it prints what to open and reads what the
/// person pastes back.
/// </summary>
public interface IInteractiveAuthorizationCapability
{
    /// <summary>Runs the set-up, talking to the person through <paramref name="input"/> and
    /// <paramref name="output"/>. Returns one line saying what was stored where (no secret).</summary>
    /// <exception cref="StorageAuthenticationException">The consent failed or was refused.</exception>
    Task<string> AuthorizeAsync(TextReader input, TextWriter output, CancellationToken cancellationToken);
}
