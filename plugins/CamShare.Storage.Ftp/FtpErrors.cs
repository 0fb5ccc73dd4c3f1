using System.Net.Sockets;
using System.Security.Authentication;
using CamShare.Abstractions;

namespace CamShare.Storage.Ftp;

/// <summary>What a command was doing: a 550 means "not found" when reading and "not allowed" when writing.</summary>
internal enum FtpAction
{
    Login,
    Read,
    Write,
    Other,
}

/// <summary>Turns reply codes and transport failures into the storage error family. No secret in any message.</summary>
internal static class FtpErrors
{
    /// <summary>The error for a reply the caller did not expect.</summary>
    public static StorageException FromReply(FtpReply reply, FtpAction action, string what, SecretRedactor redactor)
    {
        var said = $"{what}: the server answered {redactor.Redact(reply.ToString())}";
        return reply.Code switch
        {
            421 => new FtpConnectionLostException($"{said} (it is closing the connection; try again)"),
            530 => new StorageAuthenticationException(action == FtpAction.Login
                ? $"{said}: the user name or password is wrong."
                : $"{said}: not logged in or not allowed."),
            550 when action == FtpAction.Read => new StorageNotFoundException($"{said}: not found."),
            550 or 553 when action == FtpAction.Write => new StorageAuthenticationException(
                $"{said}: the user may not write here (permission denied, or a file name the server refuses)."),
            552 or 452 => new StorageQuotaException($"{said}: the server is out of space or the user's quota is used up."),
            522 => new StorageConfigurationException($"{said}: the server refused the TLS data connection; if it " +
                                                     "requires TLS session reuse, set host to a DNS name (not an IP address)."),
            534 => new StorageConfigurationException($"{said}: the server refuses TLS; set tlsMode accordingly."),
            >= 400 and < 500 => new StorageTransientException($"{said}: try again later."),
            550 => new StorageNotFoundException($"{said}: not found or not allowed."),
            _ => new StorageConfigurationException($"{said}: the server refused the request."),
        };
    }

    /// <summary>Classifies an exception thrown while connecting, sending or transferring.</summary>
    public static Exception FromException(Exception ex, string what, string? tlsRejection, TimeSpan timeout,
        CancellationToken callerToken, SecretRedactor redactor)
    {
        if (callerToken.IsCancellationRequested) return new OperationCanceledException($"{what}: cancelled", ex, callerToken);
        switch (ex)
        {
            case StorageException storage:
                return storage;
            case SourceReadException source:
                return new StorageTransientException($"{what}: reading the content to upload failed: " +
                                                     redactor.Redact(source.InnerException?.Message), source.InnerException);
            case OperationCanceledException:
                return new FtpConnectionLostException($"{what}: no answer for {timeout.TotalSeconds:0} s (timeout).", ex);
            case AuthenticationException:
                return tlsRejection is not null
                    ? new StorageConfigurationException($"{what}: TLS refused: {tlsRejection}.", ex)
                    : new StorageTransientException($"{what}: the TLS handshake failed: {redactor.Redact(Innermost(ex).Message)}", ex);
        }
        if (Find<SocketException>(ex) is { } socket)
        {
            if (socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostUnreachable
                or SocketError.NetworkUnreachable or SocketError.HostNotFound or SocketError.HostDown
                or SocketError.TryAgain or SocketError.NoData)
                return new StorageUnreachableException($"{what}: cannot reach the server ({socket.SocketErrorCode}).", ex);
            return new FtpConnectionLostException($"{what}: network error ({socket.SocketErrorCode}).", ex);
        }
        if (ex is IOException or ObjectDisposedException)
            return new FtpConnectionLostException($"{what}: connection lost: {redactor.Redact(Innermost(ex).Message)}", ex);
        return ex;
    }

    private static T? Find<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is T t) return t;
        return null;
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null) ex = ex.InnerException;
        return ex;
    }
}

/// <summary>The control connection is gone (421, reset, timeout): a new connection may well succeed.</summary>
internal sealed class FtpConnectionLostException(string message, Exception? inner = null)
    : StorageTransientException(message, inner);

/// <summary>Reading the content to upload failed (not the network): carries the original error.</summary>
internal sealed class SourceReadException(Exception inner) : IOException(inner.Message, inner);
