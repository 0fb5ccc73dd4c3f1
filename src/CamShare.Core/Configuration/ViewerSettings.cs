using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace CamShare.Core.Configuration;

/// <summary>The private browser viewer on a storage: view.html and the encrypted index beside each camera's recordings.</summary>
[Description("Publish the private browser viewer (view.html and an encrypted index) beside each camera's recordings. Needs \"encryption\" on the same storage.")]
public sealed class ViewerSettings : IValidatableObject
{
    [Description("Publish the viewer (default true; an empty \"viewer\": {} is invisible to the configuration, so write { \"enabled\": true } or give baseUrl).")]
    public bool Enabled { get; set; } = true;

    [Description("Public http(s) URL of this storage's root folder, e.g. \"https://cams.example.org\"; `camshare share` builds links from it.")]
    public string? BaseUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseUrl is { Length: > 0 } url && !IsHttpUrl(url))
            yield return new ValidationResult($"'{url}' is not an absolute http(s) URL; use e.g. \"https://cams.example.org\"", ["baseUrl"]);
    }

    /// <summary>An absolute http(s) URL without query or fragment.</summary>
    public static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment);
}
