using Google.Apis.Services;

namespace CamShare.Storage.GoogleDrive.Api;

/// <summary>
/// The small part of Drive v3 this plugin uses, shaped like a generated Google.Apis client (Google.Apis.Drive.v3 is
/// not available here): the library supplies HTTP, auth, retries and the resumable-upload protocol.
/// </summary>
internal sealed class DriveService : BaseClientService
{
    public const string DefaultBaseUri = "https://www.googleapis.com/drive/v3/";

    /// <summary>Full access: folders are created, shared and cleaned up, not only files this app made.</summary>
    public const string DriveScope = "https://www.googleapis.com/auth/drive";

    public DriveService(Initializer initializer) : base(initializer)
    {
        Files = new FilesResource(this);
        Permissions = new PermissionsResource(this);
    }

    public FilesResource Files { get; }

    public PermissionsResource Permissions { get; }

    public override IList<string> Features => [];

    public override string Name => "drive";

    public override string BaseUri => BaseUriOverride ?? DefaultBaseUri;

    public override string BasePath => "drive/v3/";

    public override string BatchUri => new Uri(new Uri(BaseUri), "/batch/drive/v3").ToString();

    public override string BatchPath => "batch/drive/v3";
}
