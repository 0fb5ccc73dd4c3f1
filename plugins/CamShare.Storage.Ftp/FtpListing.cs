using System.Globalization;
using System.Text.RegularExpressions;

namespace CamShare.Storage.Ftp;

/// <summary>One directory entry from MLSD/MLST or LIST.</summary>
internal sealed record FtpEntry(string Name, bool IsDirectory, long Size, DateTimeOffset? Modified, bool ExactTime);

/// <summary>Parses directory listings: MLSD/MLST facts (RFC 3659 §7) and Unix "ls -l" lines from LIST.</summary>
internal static partial class FtpListing
{
    /// <summary>An MLSD line "type=file;size=12;modify=20240323102000; name". Null for cdir/pdir and unknown types.</summary>
    public static FtpEntry? ParseMlsd(string line)
    {
        var space = line.IndexOf(' ');
        if (space < 0) return null;
        var name = line[(space + 1)..];
        string? type = null;
        long size = 0;
        DateTimeOffset? modified = null;
        foreach (var fact in line[..space].Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = fact.IndexOf('=');
            if (equals < 0) continue;
            var value = fact[(equals + 1)..];
            switch (fact[..equals].ToLowerInvariant())
            {
                case "type": type = value.ToLowerInvariant(); break;
                case "size": long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out size); break;
                case "modify": modified = ParseTimeVal(value); break;
            }
        }
        return type switch
        {
            "file" => new FtpEntry(name, false, size, modified, true),
            "dir" => new FtpEntry(name, true, 0, modified, true),
            _ => null, // cdir, pdir, OS.unix=slink:… : not objects
        };
    }

    /// <summary>RFC 3659 time-val: YYYYMMDDHHMMSS[.sss], always UTC.</summary>
    public static DateTimeOffset? ParseTimeVal(string value)
    {
        var text = value.Trim();
        var dot = text.IndexOf('.');
        var whole = dot < 0 ? text : text[..dot];
        if (!DateTime.TryParseExact(whole, "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)) return null;
        if (dot >= 0 && double.TryParse("0" + text[dot..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fraction))
            time = time.AddTicks((long)(fraction * TimeSpan.TicksPerSecond));
        return new DateTimeOffset(time, TimeSpan.Zero);
    }

    /// <summary>
    /// A Unix "ls -l" line as vsftpd, ProFTPD, pure-ftpd, busybox and most NAS servers send for LIST:
    /// <c>-rw-r--r--    1 1000     1000      1234 Mar 23 10:20 name with  spaces</c>. The name is everything after
    /// the single space that follows the time or year, so spaces inside it survive. Null for "total N",
    /// symlinks, devices, "." and "..".
    /// </summary>
    public static FtpEntry? ParseUnixList(string line, DateTimeOffset now)
    {
        var m = UnixLine().Match(line);
        if (!m.Success) return null;
        var kind = m.Groups["kind"].Value[0];
        if (kind is not ('-' or 'd')) return null;
        var name = m.Groups["name"].Value;
        if (name is "." or "..") return null;
        if (!long.TryParse(m.Groups["size"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var size)) return null;
        var time = ParseListTime(m.Groups["month"].Value, m.Groups["day"].Value, m.Groups["when"].Value, now);
        return new FtpEntry(name, kind == 'd', kind == 'd' ? 0 : size, time, false);
    }

    /// <summary>"Mar 23 10:20" (within the last half year; the year is inferred) or "Mar 23  2023". Taken as UTC,
    /// which is what vsftpd (use_localtime=NO) and ProFTPD (TimesGMT on) send.</summary>
    internal static DateTimeOffset? ParseListTime(string month, string day, string when, DateTimeOffset now)
    {
        var monthIndex = Array.FindIndex(CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames,
            n => n.Length > 0 && n.Equals(month, StringComparison.OrdinalIgnoreCase)) + 1;
        if (monthIndex == 0 || !int.TryParse(day, CultureInfo.InvariantCulture, out var d) || d is < 1 or > 31) return null;
        try
        {
            if (when.Contains(':'))
            {
                var parts = when.Split(':');
                var utc = now.UtcDateTime;
                var time = new DateTime(utc.Year, monthIndex, d, int.Parse(parts[0], CultureInfo.InvariantCulture),
                    int.Parse(parts[1], CultureInfo.InvariantCulture), 0, DateTimeKind.Utc);
                if (time > utc.AddDays(2)) time = time.AddYears(-1); // "Dec 31 23:00" seen in January
                return new DateTimeOffset(time);
            }
            return new DateTimeOffset(new DateTime(int.Parse(when, CultureInfo.InvariantCulture), monthIndex, d, 0, 0, 0, DateTimeKind.Utc));
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // Feb 30 and the like
        }
    }

    // kind+mode, links, owner, optional group, size, month, day, time-or-year, one space, name (may hold spaces).
    [GeneratedRegex(@"^(?<kind>[-dlcbps])[-rwxsStTlL]{9}[.+@]?\s+\d+\s+\S+(?:\s+\S+)?\s+(?<size>\d+)\s+(?<month>[A-Za-z]{3})\s+(?<day>\d{1,2})\s+(?<when>\d{1,2}:\d{2}|\d{4})\s(?<name>.+)$")]
    private static partial Regex UnixLine();
}
