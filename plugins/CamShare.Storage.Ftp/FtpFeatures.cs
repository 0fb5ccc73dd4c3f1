namespace CamShare.Storage.Ftp;

/// <summary>What the server announced in its FEAT reply (RFC 2389).</summary>
internal sealed record FtpFeatures(IReadOnlySet<string> Names, string? MlstFacts)
{
    public static FtpFeatures None { get; } = new(new HashSet<string>(), null);

    public bool Has(string name) => Names.Contains(name);
    public bool Mlsd => Has("MLST");
    public bool Size => Has("SIZE");
    public bool Mdtm => Has("MDTM");
    public bool Utf8 => Has("UTF8");
    public bool Epsv => Has("EPSV");

    /// <summary>Parses the lines between "211-" and "211 End".</summary>
    public static FtpFeatures Parse(FtpReply reply)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string? mlst = null;
        if (!reply.IsSuccess) return None;
        foreach (var line in reply.Lines.Skip(1).SkipLast(1))
        {
            var text = line.Trim();
            if (text.Length == 0) continue;
            var space = text.IndexOf(' ');
            var name = space < 0 ? text : text[..space];
            names.Add(name);
            if (name.Equals("MLST", StringComparison.OrdinalIgnoreCase) && space > 0) mlst = text[(space + 1)..];
        }
        return new FtpFeatures(names, mlst);
    }

    /// <summary>One line for diagnostics.</summary>
    public string Summary => Names.Count == 0
        ? "none announced"
        : string.Join(' ', Names.Order(StringComparer.OrdinalIgnoreCase));
}
