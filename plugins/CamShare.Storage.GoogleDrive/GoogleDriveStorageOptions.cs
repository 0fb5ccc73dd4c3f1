using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using CamShare.Abstractions;

namespace CamShare.Storage.GoogleDrive;

/// <summary>How the plugin signs in to Drive.</summary>
public enum DriveAuthentication
{
    /// <summary>A person's own Drive: OAuth client ID + secret, consent once with <c>camshare auth STORAGE</c>.</summary>
    OAuth,
    /// <summary>A service account's JSON key; share the root folder (or shared drive) with its e-mail address.</summary>
    ServiceAccount,
}

/// <summary>What deleting an object (retention) does.</summary>
public enum DriveDeleteMode
{
    /// <summary>Deleted for good (files.delete).</summary>
    Permanent,
    /// <summary>Moved to Drive's trash, which Drive empties after 30 days.</summary>
    Trash,
}

/// <summary>Settings of a Google Drive storage.</summary>
[Description("Google Drive: a person's own Drive (OAuth, one-time consent with `camshare auth STORAGE`) or a " +
             "service account with a shared drive or folder. Keys become folders under rootFolderId; uploads are " +
             "resumable and verified against Drive's md5Checksum and size.")]
public sealed class GoogleDriveStorageOptions : IValidatableObject
{
    [Description("oauth (a person's Drive) or serviceAccount.")]
    public DriveAuthentication Authentication { get; set; } = DriveAuthentication.OAuth;

    [Required, Description("ID of the folder that receives the recordings (the last part of its Drive address), or " +
                           "of a shared drive. Everything is created below it.")]
    public string RootFolderId { get; set; } = "";

    [Description("oauth: the OAuth client ID of a Desktop-app client from the Google Cloud console.")]
    public string? ClientId { get; set; }

    [Secret, Description("oauth: the OAuth client secret (give it as clientSecretEnv or clientSecretFile).")]
    public string? ClientSecret { get; set; }

    [Description("oauth: file holding the refresh token, written by `camshare auth STORAGE` with mode 0600.")]
    public string? TokenFile { get; set; }

    [Description("serviceAccount: path of the service account's JSON key file.")]
    public string? ServiceAccountKeyFile { get; set; }

    [Range(256, 1024 * 1024), Description("Resumable upload chunk size in KiB; a multiple of 256. Memory used per " +
                                          "upload is about one chunk.")]
    public int ChunkSizeKiB { get; set; } = 8 * 1024;

    [Description("What retention's delete does: permanent, or trash (Drive empties it after 30 days).")]
    public DriveDeleteMode DeleteMode { get; set; } = DriveDeleteMode.Permanent;

    [Description("Send Drive's notification e-mail when a folder is shared with a person.")]
    public bool NotifyOnShare { get; set; }

    [Description("Allow share links: a link makes the file readable by ANYONE who has the link, until the " +
                 "permission is removed in Drive (Drive cannot expire such links). Off: no share links.")]
    public bool AllowAnyoneWithLink { get; set; }

    [Description("Drive v3 API address. Change only for a test emulator.")]
    public string ApiBaseUrl { get; set; } = Api.DriveService.DefaultBaseUri;

    [Description("OAuth token endpoint. Empty: Google's (serviceAccount: the key file's token_uri).")]
    public string? TokenEndpoint { get; set; }

    [Description("OAuth authorization (consent) endpoint. Empty: Google's.")]
    public string? AuthorizationEndpoint { get; set; }

    [Range(1, 3600), Description("Seconds to wait for one request or one upload chunk.")]
    public int TimeoutSeconds { get; set; } = 120;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Authentication == DriveAuthentication.OAuth)
        {
            if (string.IsNullOrWhiteSpace(ClientId))
                yield return new ValidationResult("oauth needs the OAuth client ID of a Desktop-app client", ["clientId"]);
            if (string.IsNullOrEmpty(ClientSecret))
                yield return new ValidationResult("oauth needs the client secret (clientSecretEnv or clientSecretFile)", ["clientSecret"]);
            if (string.IsNullOrWhiteSpace(TokenFile))
                yield return new ValidationResult("oauth needs a file for the refresh token, e.g. " +
                                                  "\"/var/lib/camshare/drive-token.json\"", ["tokenFile"]);
        }
        else if (string.IsNullOrWhiteSpace(ServiceAccountKeyFile))
            yield return new ValidationResult("serviceAccount needs the path of the JSON key file", ["serviceAccountKeyFile"]);
        else if (!File.Exists(ServiceAccountKeyFile))
            yield return new ValidationResult($"file '{ServiceAccountKeyFile}' does not exist", ["serviceAccountKeyFile"]);

        if (ChunkSizeKiB % 256 != 0)
            yield return new ValidationResult("use a multiple of 256 KiB (Drive's chunk granularity), e.g. 8192", ["chunkSizeKiB"]);
        foreach (var (value, name) in new[] { (ApiBaseUrl, "apiBaseUrl"), (TokenEndpoint, "tokenEndpoint"),
                     (AuthorizationEndpoint, "authorizationEndpoint") })
        {
            if (string.IsNullOrEmpty(value)) continue;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http"))
                yield return new ValidationResult("use an absolute https:// address", [name]);
        }
    }
}
