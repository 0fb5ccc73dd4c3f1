namespace CamShare.Storage.Rclone;

/// <summary>The configured "remote:root" and how keys map onto rclone paths below it.</summary>
internal sealed class RcloneRemote
{
    public RcloneRemote(string remote)
    {
        Spec = remote;
        // ":backend,opt=x:path" is an on-the-fly remote; "name:path" a configured one.
        var colon = remote.StartsWith(':') ? IndexOfRemoteEnd(remote) : remote.IndexOf(':');
        Name = colon < 0 ? remote : remote[..colon];
        Root = colon < 0 ? "" : remote[(colon + 1)..];
    }

    /// <summary>The whole setting, e.g. "onedrive:Cameras".</summary>
    public string Spec { get; }

    /// <summary>The remote's name without the colon ("onedrive"), or ":sftp,host=..." for an on-the-fly remote.</summary>
    public string Name { get; }

    /// <summary>The root path inside the remote ("Cameras"; may be empty).</summary>
    public string Root { get; }

    public bool IsOnTheFly => Name.StartsWith(':');

    /// <summary>The rclone path of a key, or of a folder-like prefix ("" = the root).</summary>
    public string PathOf(string key)
    {
        if (key.Length == 0) return Spec;
        if (Spec.EndsWith(':') || Spec.EndsWith('/')) return Spec + key;
        return Spec + "/" + key;
    }

    /// <summary>The remote for messages: on-the-fly parameters left out (they may hold secrets).</summary>
    public static string Describe(string remote)
    {
        if (!remote.StartsWith(':')) return remote;
        var comma = remote.IndexOf(',');
        var end = IndexOfRemoteEnd(remote);
        return comma > 0 && comma < end ? remote[..comma] + ",...:" + remote[(end + 1)..] : remote;
    }

    public override string ToString() => Describe(Spec);

    private static int IndexOfRemoteEnd(string remote)
    {
        // The colon after ":backend,params" (params may be quoted and contain ':').
        var inQuote = false;
        char quote = '\0';
        for (var i = 1; i < remote.Length; i++)
        {
            var c = remote[i];
            if (inQuote) { if (c == quote) inQuote = false; continue; }
            if (c is '"' or '\'') { inQuote = true; quote = c; continue; }
            if (c == ':') return i;
        }
        return -1;
    }
}
