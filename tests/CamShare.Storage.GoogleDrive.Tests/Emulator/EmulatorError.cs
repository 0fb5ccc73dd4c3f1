using System.Text.Json.Nodes;

namespace CamShare.Storage.GoogleDrive.Tests.Emulator;

/// <summary>An error answer in Google's JSON error format (<c>error.code</c>, <c>error.errors[].reason</c>).</summary>
internal sealed class EmulatorError(int status, string message, string reason, string? location = null,
    string domain = "global") : Exception(message)
{
    public int Status { get; } = status;
    public string Reason { get; } = reason;
    public string? RetryAfter { get; init; }

    public static EmulatorError BadRequest(string message, string reason = "badRequest", string? location = null) =>
        new(400, message, reason, location);

    public static EmulatorError NotFound(string what) => new(404, $"File not found: {what}.", "notFound", "fileId");

    public JsonObject ToJson()
    {
        var detail = new JsonObject { ["message"] = Message, ["domain"] = domain, ["reason"] = Reason };
        if (location is not null) { detail["location"] = location; detail["locationType"] = "parameter"; }
        return new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = Status,
                ["message"] = Message,
                ["errors"] = new JsonArray(detail),
            },
        };
    }
}
