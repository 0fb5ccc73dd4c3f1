using CamShare.Abstractions;

namespace CamShare.Storage.Sftp;

/// <summary>
/// The server showed a host key other than the pinned one. Not retryable: either the server's key changed (a person
/// updates hostKeyFingerprint) or someone is in the middle. The seen fingerprint is public and helps decide.
/// </summary>
public sealed class HostKeyMismatchException(string expected, string seen, string host, int port, Exception? inner = null)
    : StorageConfigurationException(
        $"the SSH server {host}:{port} showed host key {HostKeyFingerprint.Display(seen)}, but hostKeyFingerprint is " +
        $"{HostKeyFingerprint.Display(expected)}: not connecting. If the server's key really changed, check it on the " +
        "server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and set hostKeyFingerprint to it.", inner)
{
    /// <summary>The fingerprint the server showed (base64, no prefix).</summary>
    public string SeenFingerprint { get; } = seen;
}
