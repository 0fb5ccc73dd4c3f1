using System.Net.Sockets;
using CamShare.Abstractions;
using Renci.SshNet.Common;
using Renci.SshNet.Messages.Transport;
using Renci.SshNet.Sftp;

namespace CamShare.Storage.Sftp;

/// <summary>
/// Turns SSH.NET's and the network's exceptions into the storage error family. Every message built from server
/// text goes through the redactor; SSH.NET's messages carry no credentials, but a server's may echo a path.
/// </summary>
internal sealed class SftpErrors(SecretRedactor redactor, string server)
{
    public string Redact(string? text) => redactor.Redact(text);

    public Exception Classify(Exception ex, string operation, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested)
            return ex as OperationCanceledException ?? new OperationCanceledException($"{operation}: cancelled", ex, callerToken);
        var what = $"SFTP {operation} on {server}";
        var message = Redact(ex.Message);
        switch (ex)
        {
            case StorageException storage:
                return storage;
            case SshAuthenticationException:
                return new StorageAuthenticationException(
                    $"{what}: login refused ({message}): check username, password or private key.", ex);
            case SftpPermissionDeniedException:
                return new StorageAuthenticationException($"{what}: permission denied ({message}).", ex);
            case SftpPathNotFoundException:
                return new StorageNotFoundException($"{what}: no such file or folder.", ex);
            case SftpException sftp when sftp.StatusCode == StatusCode.OperationUnsupported:
                return new StorageConfigurationException($"{what}: the server does not support this ({message}).", ex);
            case SftpException sftp when sftp.StatusCode is StatusCode.NoConnection or StatusCode.ConnectionLost:
                return new StorageTransientException($"{what}: connection lost ({message}).", ex);
            case SftpException:
                // SSH_FX_FAILURE says nothing more; callers that can look closer (a full disk) do so first.
                return new StorageTransientException($"{what}: the server failed ({message}).", ex);
            case SshOperationTimeoutException:
                return new StorageTransientException($"{what}: timed out ({message}).", ex);
            case SshConnectionException connection:
                return connection.DisconnectReason == DisconnectReason.HostKeyNotVerifiable
                    ? new StorageConfigurationException($"{what}: the host key was not accepted ({message}).", ex)
                    : new StorageTransientException($"{what}: the connection failed ({message}).", ex);
            case ProxyException:
                return new StorageUnreachableException($"{what}: {message}", ex);
        }
        if (Find<SocketException>(ex) is { } socket)
        {
            return socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostUnreachable
                or SocketError.NetworkUnreachable or SocketError.HostNotFound or SocketError.HostDown
                or SocketError.TimedOut or SocketError.TryAgain or SocketError.NoData
                ? new StorageUnreachableException($"{what}: cannot reach the server ({socket.SocketErrorCode}).", ex)
                : new StorageTransientException($"{what}: network error ({socket.SocketErrorCode}).", ex);
        }
        if (ex is OperationCanceledException or TimeoutException)
            return new StorageTransientException($"{what}: timed out.", ex);
        if (ex is IOException or ObjectDisposedException or SshException)
            return new StorageTransientException($"{what}: {message}", ex);
        return ex;
    }

    /// <summary>Errors that mean the connection itself is gone (so a fresh one may succeed at once).</summary>
    public static bool IsConnectionFailure(Exception ex) =>
        ex is SshConnectionException or ObjectDisposedException or SocketException or IOException ||
        (ex is SftpException sftp && sftp.StatusCode is StatusCode.NoConnection or StatusCode.ConnectionLost) ||
        (ex is InvalidOperationException && ex.Message.Contains("not connected", StringComparison.OrdinalIgnoreCase)) ||
        Find<SocketException>(ex) is not null;

    private static T? Find<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is T t) return t;
        return null;
    }
}
