using Google.Apis.Discovery;
using Google.Apis.Requests;
using Google.Apis.Services;
using Google.Apis.Util;

namespace CamShare.Storage.GoogleDrive.Api;

/// <summary>Base of every Drive request: the standard <c>fields</c> mask and shared-drive support.</summary>
internal abstract class DriveRequest<TResponse>(IClientService service) : ClientServiceRequest<TResponse>(service)
{
    /// <summary>Partial-response mask; Drive v3 returns only a few fields without it.</summary>
    [RequestParameter("fields", RequestParameterType.Query)]
    public string? Fields { get; set; }

    /// <summary>Always true: the root may be in a shared drive.</summary>
    [RequestParameter("supportsAllDrives", RequestParameterType.Query)]
    public bool? SupportsAllDrives { get; set; } = true;

    protected override void InitParameters()
    {
        base.InitParameters();
        AddQuery("fields");
        AddQuery("supportsAllDrives");
    }

    protected void AddQuery(string name) =>
        RequestParameters.Add(name, new Parameter { Name = name, IsRequired = false, ParameterType = "query" });

    protected void AddPath(string name) =>
        RequestParameters.Add(name, new Parameter { Name = name, IsRequired = true, ParameterType = "path" });
}
