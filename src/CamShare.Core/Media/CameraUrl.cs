using CamShare.Core.Configuration;

namespace CamShare.Core.Media;

/// <summary>The URL ffmpeg/ffprobe connect to: the configured one with the credentials put in.</summary>
public static class CameraUrl
{
    public static string WithCredentials(CameraSettings camera)
    {
        var schemeEnd = camera.Url.IndexOf("://", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(camera.Username) || schemeEnd < 0) return camera.Url;
        var userInfo = Uri.EscapeDataString(camera.Username) +
                       (camera.Password is null ? "" : ":" + Uri.EscapeDataString(camera.Password));
        // Insert into the URL as written, so nothing else in it is re-encoded.
        return camera.Url.Insert(schemeEnd + 3, userInfo + "@");
    }
}
