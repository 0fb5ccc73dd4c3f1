using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CamShare.Abstractions;

/// <summary>Rules every key follows (see <see cref="IStorageProvider"/>), and the one temporary-name rule.</summary>
public static class StorageKeys
{
    /// <summary>Every temporary object's name starts with this (a dot hides it from most listings).</summary>
    public const string TemporaryPrefix = ".camshare-tmp-";

    /// <summary>The longest name (one key segment) in UTF-8 bytes that every backend accepts.</summary>
    public const int MaxNameBytes = 255;

    private const string TimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is a valid object key.</summary>
    public static void EnsureValid(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!IsValid(key, out var why))
            throw new ArgumentException($"Invalid object key '{key}': {why}.", nameof(key));
    }

    /// <summary>Whether <paramref name="key"/> is a valid object key; <paramref name="why"/> says what is wrong.</summary>
    public static bool IsValid(string key, out string why)
    {
        why = "";
        if (key.Length == 0 || key[0] == '/' || key[^1] == '/' || key.Contains('\\') || key.Contains('\0'))
        {
            why = "keys are relative '/'-separated paths";
            return false;
        }
        foreach (var part in key.Split('/'))
        {
            if (part.Length == 0 || part == "." || part == "..")
            {
                why = "empty, '.' or '..' segment";
                return false;
            }
            if (Encoding.UTF8.GetByteCount(part) > MaxNameBytes)
            {
                why = $"a segment is longer than {MaxNameBytes} bytes";
                return false;
            }
        }
        return true;
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

    /// <summary>The last segment of a key (its "file name").</summary>
    public static string NameOf(string key) => key[(key.LastIndexOf('/') + 1)..];

    /// <summary>
    /// A fresh temporary key beside <paramref name="key"/> for a put that has no atomic backend operation: write
    /// the temporary key, then rename it onto <paramref name="key"/>. Unique per call, in the same folder (so the
    /// rename never crosses folders), no longer than <see cref="MaxNameBytes"/>, and stamped with the time so that
    /// a temporary object left behind by a crash can be recognised as stale (<see cref="TryGetTemporaryTime"/>).
    /// </summary>
    public static string TemporaryKeyFor(string key, DateTimeOffset? now = null)
    {
        EnsureValid(key);
        var stamp = (now ?? DateTimeOffset.UtcNow).UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
        var head = TemporaryPrefix + stamp + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + "-";
        var name = TruncateUtf8(NameOf(key), MaxNameBytes - Encoding.UTF8.GetByteCount(head));
        var parent = ParentOf(key);
        return parent.Length == 0 ? head + name : parent + "/" + head + name;
    }

    /// <summary>Whether <paramref name="key"/> names a temporary object made by <see cref="TemporaryKeyFor"/>.</summary>
    public static bool IsTemporary(string key) => NameOf(key).StartsWith(TemporaryPrefix, StringComparison.Ordinal);

    /// <summary>When the temporary object at <paramref name="key"/> was started (from its name).</summary>
    public static bool TryGetTemporaryTime(string key, out DateTimeOffset startedAt)
    {
        startedAt = default;
        var name = NameOf(key);
        if (!name.StartsWith(TemporaryPrefix, StringComparison.Ordinal) || name.Length < TemporaryPrefix.Length + 16) return false;
        if (!DateTime.TryParseExact(name.AsSpan(TemporaryPrefix.Length, 16), TimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc)) return false;
        startedAt = new DateTimeOffset(utc, TimeSpan.Zero);
        return true;
    }

    private static string TruncateUtf8(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes) return text;
        var builder = new StringBuilder();
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes) break;
            bytes += rune.Utf8SequenceLength;
            builder.Append(rune.ToString());
        }
        return builder.ToString();
    }
}
