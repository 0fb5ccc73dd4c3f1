using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using CamShare.Storage.GoogleDrive.Tests.Emulator;
using CamShare.Testing;
using Google.Apis.Auth.OAuth2.Responses;

namespace CamShare.Storage.GoogleDrive.Tests.Fixtures;

/// <summary>
/// The Drive v3 emulator on a random 127.0.0.1 port, with an OAuth client and a refresh token already granted (as
/// `camshare auth` would have stored it), and providers pointed at it.
/// </summary>
public class DriveEmulatorFixture : StorageProviderFixture
{
    public const string ClientId = "1234567890-camshare.apps.googleusercontent.com";
    public const string ClientSecret = "GOCSPX-emulator-secret-value";

    private readonly List<string> _revoked = [];

    public DriveEmulator Emulator { get; } = new();

    /// <summary>A folder of its own for this fixture's token files.</summary>
    public string Home { get; } = Directory.CreateTempSubdirectory("camshare-gdrive-tests-").FullName;

    /// <summary>The refresh token the default provider's token file holds.</summary>
    public string RefreshToken { get; private set; } = "";

    public string TokenFile => Path.Combine(Home, "token.json");

    /// <summary>Chunk size of the default provider in KiB (small, so uploads take several chunks).</summary>
    public virtual int ChunkSizeKiB => 1024;

    public override async ValueTask InitializeAsync()
    {
        await Emulator.StartAsync();
        Emulator.RegisterClient(ClientId, ClientSecret);
        RefreshToken = Emulator.IssueRefreshToken(ClientId);
        await WriteTokenFileAsync(TokenFile, RefreshToken);
    }

    public override async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        Directory.Delete(Home, recursive: true);
    }

    public static async Task WriteTokenFileAsync(string path, string refreshToken) =>
        await new TokenFileStore(path).StoreAsync(DriveConnection.UserKey, new TokenResponse { RefreshToken = refreshToken });

    public GoogleDriveStorageOptions Options(Action<GoogleDriveStorageOptions>? change = null)
    {
        var options = new GoogleDriveStorageOptions
        {
            Authentication = DriveAuthentication.OAuth,
            RootFolderId = DriveEmulator.RootId,
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            TokenFile = TokenFile,
            ApiBaseUrl = Emulator.ApiBaseUrl,
            TokenEndpoint = Emulator.TokenEndpoint,
            AuthorizationEndpoint = Emulator.AuthorizationEndpoint,
            ChunkSizeKiB = ChunkSizeKiB,
            TimeoutSeconds = 60,
        };
        change?.Invoke(options);
        return options;
    }

    public GoogleDriveStorageProvider Create(Action<GoogleDriveStorageOptions>? change = null) => new(Options(change));

    public override IStorageProvider CreateProvider() => Create();

    public override IStorageProvider? CreateProviderWithBadCredentials()
    {
        var revoked = Emulator.IssueRefreshToken(ClientId);
        Emulator.RevokeRefreshToken(revoked);
        _revoked.Add(revoked);
        var file = Path.Combine(Home, $"revoked-{Guid.NewGuid():N}.json");
        WriteTokenFileAsync(file, revoked).GetAwaiter().GetResult();
        return Create(o => o.TokenFile = file);
    }

    public override IStorageProvider? CreateProviderForUnreachableServer()
    {
        var closed = $"http://127.0.0.1:{FreePort.Next()}/";
        return Create(o =>
        {
            o.ApiBaseUrl = closed + "drive/v3/";
            o.TokenEndpoint = closed + "token";
        });
    }

    public override IReadOnlyList<string> Secrets => [ClientSecret, RefreshToken, .. _revoked];

    public override long LargeObjectSize => 64L << 20;
}
