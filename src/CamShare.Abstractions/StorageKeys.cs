namespace CamShare.Abstractions;

/// <summary>Rules every key follows (see <see cref="IStorageProvider"/>).</summary>
public static class StorageKeys
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is a valid object key.</summary>
    public static void EnsureValid(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0 || key[0] == '/' || key[^1] == '/' || key.Contains('\\') || key.Contains('\0'))
            throw new ArgumentException($"Invalid object key '{key}': keys are relative '/'-separated paths.", nameof(key));
        foreach (var part in key.Split('/'))
            if (part.Length == 0 || part == "." || part == "..")
                throw new ArgumentException($"Invalid object key '{key}': empty, '.' or '..' segment.", nameof(key));
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="prefix"/> is a valid list prefix ("" allowed).</summary>
    public static void EnsureValidPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.StartsWith('/') || prefix.Contains('\\') || prefix.Contains('\0'))
            throw new ArgumentException($"Invalid prefix '{prefix}'.", nameof(prefix));
    }

    /// <summary>The parent "folder" part of a key ("" for a top-level key).</summary>
    public static string ParentOf(string key)
    {
        var slash = key.LastIndexOf('/');
        return slash < 0 ? "" : key[..slash];
    }
}
