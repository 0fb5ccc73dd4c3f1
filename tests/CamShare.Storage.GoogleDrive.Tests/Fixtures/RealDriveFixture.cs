using System.Runtime.CompilerServices;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using CamShare.Testing;
using Xunit;

namespace CamShare.Storage.GoogleDrive.Tests.Fixtures;

/// <summary>
/// The conformance suite against a real Google Drive, opt-in: set CAMSHARE_GDRIVE_ROOT_FOLDER_ID and either
/// CAMSHARE_GDRIVE_CLIENT_ID + CAMSHARE_GDRIVE_CLIENT_SECRET + CAMSHARE_GDRIVE_TOKEN_FILE (a token file made by
/// `camshare auth`) or CAMSHARE_GDRIVE_SERVICE_ACCOUNT_KEY (a JSON key file). Without them every test is skipped,
/// visibly, with the reason.
/// </summary>
public sealed class RealDriveFixture : StorageProviderFixture
{
    public const string SkipReason = "no real Google Drive configured: set CAMSHARE_GDRIVE_ROOT_FOLDER_ID and " +
                                     "CAMSHARE_GDRIVE_CLIENT_ID/_CLIENT_SECRET/_TOKEN_FILE or CAMSHARE_GDRIVE_SERVICE_ACCOUNT_KEY";

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private readonly string? _root = Env("CAMSHARE_GDRIVE_ROOT_FOLDER_ID");
    private readonly string? _clientId = Env("CAMSHARE_GDRIVE_CLIENT_ID");
    private readonly string? _clientSecret = Env("CAMSHARE_GDRIVE_CLIENT_SECRET");
    private readonly string? _tokenFile = Env("CAMSHARE_GDRIVE_TOKEN_FILE");
    private readonly string? _serviceAccountKey = Env("CAMSHARE_GDRIVE_SERVICE_ACCOUNT_KEY");

    private bool Configured => _root is not null && (_serviceAccountKey is not null
                                                     || _clientId is not null && _clientSecret is not null && _tokenFile is not null);

    public override IReadOnlyList<string> Secrets => _clientSecret is null ? [] : [_clientSecret];

    private GoogleDriveStorageOptions Options() => new()
    {
        Authentication = _serviceAccountKey is not null ? DriveAuthentication.ServiceAccount : DriveAuthentication.OAuth,
        RootFolderId = _root!,
        ClientId = _clientId,
        ClientSecret = _clientSecret,
        TokenFile = _tokenFile,
        ServiceAccountKeyFile = _serviceAccountKey,
        AllowAnyoneWithLink = Env("CAMSHARE_GDRIVE_ALLOW_LINKS") == "1",
    };

    public override IStorageProvider CreateProvider() =>
        Configured ? new GoogleDriveStorageProvider(Options()) : new NotConfigured();

    public override IStorageProvider? CreateProviderWithBadCredentials()
    {
        if (!Configured) return new NotConfigured();
        if (_serviceAccountKey is not null) return null;
        var file = Path.Combine(Path.GetTempPath(), $"camshare-gdrive-bad-{Guid.NewGuid():N}.json");
        DriveEmulatorFixture.WriteTokenFileAsync(file, "1//not-a-valid-refresh-token").GetAwaiter().GetResult();
        var options = Options();
        options.TokenFile = file;
        return new GoogleDriveStorageProvider(options);
    }

    public override IStorageProvider? CreateProviderForUnreachableServer()
    {
        if (!Configured) return new NotConfigured();
        var options = Options();
        var closed = $"http://127.0.0.1:{FreePort.Next()}/";
        options.ApiBaseUrl = closed + "drive/v3/";
        options.TokenEndpoint = closed + "token";
        return new GoogleDriveStorageProvider(options);
    }

    /// <summary>Skips every test that uses it; its empty listing lets the suite's clean-up run.</summary>
    private sealed class NotConfigured : IStorageProvider
    {
        public Task<StoredObject> PutAsync(string key, UploadSource source, IProgress<TransferProgress>? progress,
            CancellationToken cancellationToken) => throw Skip();

        public Task<StoredObject> StatAsync(string key, CancellationToken cancellationToken) => throw Skip();

        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => throw Skip();

        public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            yield break;
        }

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => throw Skip();

        private static Exception Skip()
        {
            Assert.Skip(SkipReason);
            return new InvalidOperationException("unreachable");
        }
    }
}
