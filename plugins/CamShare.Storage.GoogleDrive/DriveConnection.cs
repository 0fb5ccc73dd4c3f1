using CamShare.Abstractions;
using CamShare.Storage.GoogleDrive.Api;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Flows;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Http;
using Google.Apis.Services;

namespace CamShare.Storage.GoogleDrive;

/// <summary>
/// Creates the Drive client once, on first use (reading the token file or key is I/O the constructor must not do),
/// with the credential that signs every request and refreshes its access token by itself.
/// </summary>
internal sealed class DriveConnection(GoogleDriveStorageOptions options) : IDisposable
{
    public const string GoogleTokenEndpoint = "https://oauth2.googleapis.com/token";
    public const string GoogleAuthorizationEndpoint = "https://accounts.google.com/o/oauth2/v2/auth";
    public const string UserKey = "camshare";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private DriveService? _service;

    public async Task<DriveService> GetAsync(CancellationToken cancellationToken)
    {
        if (_service is { } ready) return ready;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _service ??= Create(await CredentialAsync(cancellationToken));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The OAuth flow for a person's Drive (also used by the one-time consent).</summary>
    /// <remarks>The generic flow, because Google's own keeps its endpoints fixed; the consent URL adds Google's
    /// access_type=offline itself (see <see cref="DriveConsent"/>).</remarks>
    public AuthorizationCodeFlow CreateFlow() => new(new AuthorizationCodeFlow.Initializer(AuthorizationEndpoint, TokenEndpoint)
    {
        ClientSecrets = new ClientSecrets { ClientId = options.ClientId, ClientSecret = options.ClientSecret },
        Scopes = [DriveService.DriveScope],
        DataStore = new TokenFileStore(options.TokenFile!),
    });

    public string AuthorizationEndpoint =>
        options.AuthorizationEndpoint is { Length: > 0 } auth ? auth : GoogleAuthorizationEndpoint;

    public string TokenEndpoint => options.TokenEndpoint is { Length: > 0 } token ? token : GoogleTokenEndpoint;

    private async Task<IConfigurableHttpClientInitializer> CredentialAsync(CancellationToken cancellationToken)
    {
        if (options.Authentication == DriveAuthentication.ServiceAccount)
        {
            var key = CredentialFactory.FromFile<ServiceAccountCredential>(options.ServiceAccountKeyFile!);
            // Rebuilt to add the Drive scope (without one the library signs self-made JWTs instead of asking the
            // token endpoint) and to let tests point the token endpoint at an emulator.
            return new ServiceAccountCredential(new ServiceAccountCredential.Initializer(key.Id,
                options.TokenEndpoint is { Length: > 0 } url ? url : key.TokenServerUrl)
            {
                Key = key.Key,
                KeyId = key.KeyId,
                Scopes = [DriveService.DriveScope],
            });
        }
        var flow = CreateFlow();
        var token = await flow.LoadTokenAsync(UserKey, cancellationToken);
        if (token?.RefreshToken is null)
            throw new StorageAuthenticationException(
                $"no Drive authorization in '{options.TokenFile}': run `camshare auth STORAGE` once to sign in.");
        return new UserCredential(flow, UserKey, token);
    }

    private DriveService Create(IConfigurableHttpClientInitializer credential)
    {
        var service = new DriveService(new BaseClientService.Initializer
        {
            HttpClientInitializer = credential,
            ApplicationName = "CamShare",
            BaseUri = options.ApiBaseUrl,
            GZipEnabled = false, // video does not compress; keeps Content-Length honest for the emulator and curl
        });
        service.HttpClient.Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        service.HttpClient.MessageHandler.AddUnsuccessfulResponseHandler(new RetryAfterRecorder());
        return service;
    }

    public void Dispose()
    {
        _service?.Dispose();
        _gate.Dispose();
    }
}
