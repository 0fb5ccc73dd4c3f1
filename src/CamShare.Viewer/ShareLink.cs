using System.Buffers.Text;

namespace CamShare.Viewer;

/// <summary>
/// The link a person opens: the camera folder's public URL + <c>view.html#k=</c> + the viewing key (rclone's
/// 32-byte data key, base64url without padding). The key rides in the fragment, which browsers never send.
/// </summary>
public static class ShareLink
{
    /// <summary>The viewing key's length in bytes (rclone's data key).</summary>
    public const int KeyLength = 32;

    /// <summary>
    /// <c>https://host/porch/view.html#k=…</c> for the camera folder <paramref name="cameraFolderUrl"/> (with or
    /// without a trailing slash; its own query is kept, any fragment dropped).
    /// </summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes, or the URL is not absolute http(s).</exception>
    public static Uri Build(Uri cameraFolderUrl, ReadOnlySpan<byte> dataKey)
    {
        ArgumentNullException.ThrowIfNull(cameraFolderUrl);
        if (dataKey.Length != KeyLength)
            throw new ArgumentException($"the viewing key must be {KeyLength} bytes, not {dataKey.Length}", nameof(dataKey));
        if (!cameraFolderUrl.IsAbsoluteUri || (cameraFolderUrl.Scheme != Uri.UriSchemeHttps && cameraFolderUrl.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException("the camera folder needs an absolute http(s) URL", nameof(cameraFolderUrl));
        var builder = new UriBuilder(cameraFolderUrl) { Fragment = "" };
        if (!builder.Path.EndsWith('/')) builder.Path += "/";
        builder.Path += ViewerPage.FileName;
        builder.Fragment = "k=" + Base64Url.EncodeToString(dataKey);
        return builder.Uri;
    }

    /// <summary>
    /// The key of a link made by <see cref="Build"/> (or just its fragment, or the bare key text).
    /// False when there is no well-formed 32-byte key.
    /// </summary>
    public static bool TryParseKey(string? linkOrKey, out byte[] dataKey)
    {
        dataKey = [];
        if (string.IsNullOrWhiteSpace(linkOrKey)) return false;
        var text = linkOrKey.Trim();
        var hash = text.IndexOf('#');
        if (hash >= 0) text = text[(hash + 1)..];
        var key = text;
        foreach (var part in text.Split('&'))
            if (part.StartsWith("k=", StringComparison.Ordinal)) key = part[2..];
        if (key.Length != 43 || key.Contains('=')) return false;
        var bytes = new byte[KeyLength];
        if (Base64Url.DecodeFromChars(key, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != key.Length || written != KeyLength) return false;
        // Base64url of 32 bytes leaves 2 spare bits: only the canonical spelling is accepted.
        if (Base64Url.EncodeToString(bytes) != key) return false;
        dataKey = bytes;
        return true;
    }
}
