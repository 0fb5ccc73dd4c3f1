namespace CamShare.Storage.Ftp;

/// <summary>
/// Hands out TLS session names process-wide: every live control connection to a host gets its own spelling of
/// the host name (see <see cref="FtpSettings.TlsOptionsFor"/>), so that no other connection in this process, of
/// this storage or another one, replaces its cached session before its data connections resume it.
/// </summary>
internal static class TlsSessionNames
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, HashSet<int>> InUse = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The lowest variant of <paramref name="host"/> that no live connection holds.</summary>
    public static int Take(string host)
    {
        lock (Gate)
        {
            if (!InUse.TryGetValue(host, out var taken)) InUse[host] = taken = [];
            var variant = 0;
            while (taken.Contains(variant)) variant++;
            taken.Add(variant);
            return variant;
        }
    }

    public static void Release(string host, int variant)
    {
        lock (Gate)
        {
            if (InUse.TryGetValue(host, out var taken) && taken.Remove(variant) && taken.Count == 0) InUse.Remove(host);
        }
    }
}
