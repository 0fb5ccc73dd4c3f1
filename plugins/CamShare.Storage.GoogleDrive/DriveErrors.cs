using System.Net;
using System.Net.Sockets;
using CamShare.Abstractions;
using Google;
using Google.Apis.Auth.OAuth2.Responses;

namespace CamShare.Storage.GoogleDrive;

/// <summary>Turns Google.Apis failures into the storage error family, by HTTP status and Drive's error reason.</summary>
internal static class DriveErrors
{
    private static readonly HashSet<string> RateLimited =
        ["rateLimitExceeded", "userRateLimitExceeded", "sharingRateLimitExceeded", "backendError"];
    private static readonly HashSet<string> QuotaFull = ["storageQuotaExceeded", "teamDriveFileLimitExceeded", "quotaExceeded"];

    public static Exception Classify(Exception ex, string operation, SecretRedactor redactor, TimeSpan? retryAfter,
        CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested) return new OperationCanceledException($"{operation}: cancelled", ex, callerToken);
        switch (ex)
        {
            case StorageException storage:
                return storage;
            case GoogleApiException api:
                return FromApi(api, operation, redactor, retryAfter);
            case TokenResponseException token:
                return FromToken(token, operation, redactor);
            case OperationCanceledException:
                return new StorageTransientException($"{operation}: no answer in time (timeout).", ex);
            case HttpRequestException http when http.HttpRequestError is HttpRequestError.ConnectionError
                                                    or HttpRequestError.NameResolutionError
                                                && FindInner<SocketException>(ex) is { } s
                                                && s.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound
                                                    or SocketError.HostUnreachable or SocketError.NetworkUnreachable:
                return new StorageUnreachableException($"{operation}: cannot reach Drive ({s.SocketErrorCode}).", ex);
            case HttpRequestException or IOException or SocketException or TimeoutException:
                return new StorageTransientException($"{operation}: network error: {redactor.Redact(Innermost(ex).Message)}", ex);
            case Newtonsoft.Json.JsonException:
                return new StorageTransientException($"{operation}: Drive's answer could not be read.", ex);
        }
        return ex;
    }

    private static StorageException FromApi(GoogleApiException api, string operation, SecretRedactor redactor, TimeSpan? retryAfter)
    {
        var reason = api.Error?.Errors?.FirstOrDefault()?.Reason ?? "";
        var code = (int)api.HttpStatusCode;
        var what = $"{operation}: Drive answered {code}{(reason.Length > 0 ? " " + reason : "")}: " +
                   redactor.Redact(api.Error?.Message ?? api.Message);
        return code switch
        {
            401 => new StorageAuthenticationException($"{what} (the token was refused after a refresh: run `camshare auth` " +
                                                      "again or check the service account key)."),
            403 when RateLimited.Contains(reason) => new StorageTransientException($"{what} (throttled; try later).", api, retryAfter),
            403 when QuotaFull.Contains(reason) => new StorageQuotaException($"{what} (the Drive is full).", api),
            403 when reason == "dailyLimitExceeded" => new StorageTransientException($"{what} (daily API limit).", api,
                retryAfter ?? TimeSpan.FromHours(1)),
            403 => new StorageAuthenticationException($"{what} (no permission: share the root folder with this account).", api),
            404 => new StorageNotFoundException($"{what} (not found).", api),
            408 or 429 => new StorageTransientException($"{what} (try later).", api, retryAfter),
            >= 500 => new StorageTransientException($"{what} (server error; try later).", api, retryAfter),
            400 when reason is "invalid" or "badRequest" =>
                new StorageConfigurationException($"{what} (check rootFolderId and the settings).", api),
            _ => new StorageConfigurationException($"{what} (the request was refused).", api),
        };
    }

    private static StorageException FromToken(TokenResponseException token, string operation, SecretRedactor redactor)
    {
        var code = token.StatusCode is { } status ? (int)status : 0;
        var what = $"{operation}: the token endpoint refused: {redactor.Redact(token.Error?.Error)} " +
                   redactor.Redact(token.Error?.ErrorDescription);
        if (code >= 500 || token.StatusCode == HttpStatusCode.TooManyRequests)
            return new StorageTransientException(what.TrimEnd() + " (try later).", token);
        return new StorageAuthenticationException(what.TrimEnd() + " (run `camshare auth STORAGE` again, or check the key).", token);
    }

    internal static T? FindInner<T>(Exception ex) where T : Exception
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
