using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using CamShare.Abstractions;

namespace CamShare.Storage.WebDav;

/// <summary>Turns HTTP statuses and transport failures into the storage error family. No secret in any message.</summary>
internal static class WebDavErrors
{
    /// <summary>The error for a response whose status the caller did not expect.</summary>
    public static StorageException FromResponse(HttpResponseMessage response, string operation)
    {
        var code = (int)response.StatusCode;
        var what = $"{operation}: the server answered {code} {response.ReasonPhrase}".TrimEnd();
        var retryAfter = RetryAfter(response);
        return code switch
        {
            401 => new StorageAuthenticationException($"{what}: the user name or password is wrong."),
            403 => new StorageAuthenticationException($"{what}: the user may not do this here (permission denied)."),
            404 or 410 => new StorageNotFoundException($"{what}: not found."),
            507 => new StorageQuotaException($"{what}: the server is out of space or the user's quota is used up."),
            413 => new StorageConfigurationException($"{what}: the server refuses files this large (nginx: " +
                                                     "client_max_body_size 0; Apache: LimitRequestBody 0)."),
            405 or 501 => new StorageConfigurationException($"{what}: is WebDAV enabled at baseUrl?"),
            >= 300 and < 400 => new StorageConfigurationException(
                $"{what}: redirected to {Redact(response.Headers.Location)}; set baseUrl to the final address " +
                "(https:// and the trailing '/' included)."),
            408 or 423 or 429 => new StorageTransientException($"{what}: try again later.", null, retryAfter),
            >= 500 => new WebDavServerErrorException($"{what}: server error, try again later.", code, retryAfter),
            409 => new StorageTransientException($"{what}: conflict (a folder is missing or a file is in the way)."),
            _ => new StorageConfigurationException($"{what}: the server refused the request."),
        };
    }

    /// <summary>Classifies an exception thrown while sending a request or moving its body.</summary>
    public static Exception FromException(Exception ex, string operation, TimeSpan timeout, string? tlsRejection,
        CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested) return new OperationCanceledException($"{operation}: cancelled", ex, callerToken);
        switch (ex)
        {
            case StorageException storage:
                return storage;
            case SourceReadException source:
                return new StorageTransientException($"{operation}: reading the content to upload failed: " +
                                                     source.InnerException?.Message, source.InnerException);
            case OperationCanceledException:
                return new StorageTransientException($"{operation}: no progress for {timeout.TotalSeconds:0} s (timeout).", ex);
        }
        if (FindInner<SourceReadException>(ex) is { } read)
            return FromException(read, operation, timeout, tlsRejection, callerToken);
        if (ex is HttpRequestException http)
        {
            if (http.HttpRequestError == HttpRequestError.SecureConnectionError || FindInner<AuthenticationException>(ex) is not null)
            {
                return tlsRejection is not null
                    ? new StorageConfigurationException($"{operation}: TLS refused: {tlsRejection}.", ex)
                    : new StorageTransientException($"{operation}: the TLS handshake failed: {Innermost(ex).Message}", ex);
            }
            if (http.HttpRequestError == HttpRequestError.NameResolutionError)
                return new StorageUnreachableException($"{operation}: the server's name does not resolve: {Innermost(ex).Message}", ex);
            if (FindInner<SocketException>(ex) is { } socket && socket.SocketErrorCode is SocketError.ConnectionRefused
                    or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostNotFound
                    or SocketError.HostDown or SocketError.TimedOut)
                return new StorageUnreachableException($"{operation}: cannot reach the server ({socket.SocketErrorCode}).", ex);
            return new StorageTransientException($"{operation}: network error: {Innermost(ex).Message}", ex);
        }
        if (ex is IOException or SocketException or TimeoutException)
            return new StorageTransientException($"{operation}: network error: {Innermost(ex).Message}", ex);
        if (ex is System.Xml.XmlException or FormatException)
            return new StorageTransientException($"{operation}: the server's answer could not be read: {ex.Message}", ex);
        return ex;
    }

    private static T? FindInner<T>(Exception ex) where T : Exception
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

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero;
        return null;
    }

    private static string Redact(Uri? location) =>
        location is null ? "(no Location)" : location.IsAbsoluteUri
            ? location.GetLeftPart(UriPartial.Path)
            : location.OriginalString.Split('?')[0];
}

/// <summary>Reading the upload source failed (not the network): carries the original error.</summary>
internal sealed class SourceReadException(Exception inner) : IOException(inner.Message, inner);

/// <summary>A 5xx answer; keeps the status so the provider can look closer (nginx reports a missing folder as 500).</summary>
internal sealed class WebDavServerErrorException(string message, int statusCode, TimeSpan? retryAfter)
    : StorageTransientException(message, null, retryAfter)
{
    public int StatusCode { get; } = statusCode;
}
