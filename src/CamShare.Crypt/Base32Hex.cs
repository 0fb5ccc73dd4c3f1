namespace CamShare.Crypt;

/// <summary>RFC 4648 base32 with the "extended hex" alphabet, lower case and without padding: rclone's
/// encoding of encrypted names (case-insensitive file systems keep them apart).</summary>
internal static class Base32Hex
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuv";

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[(bytes.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, at = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                chars[at++] = Alphabet[(buffer >> bits) & 31];
            }
        }
        if (bits > 0) chars[at++] = Alphabet[(buffer << (5 - bits)) & 31];
        return new string(chars, 0, at);
    }

    /// <summary>Decodes, or null when <paramref name="text"/> is not unpadded base32hex (either case).</summary>
    public static byte[]? TryDecode(string text)
    {
        if (text.Length % 8 is 1 or 3 or 6) return null;
        var bytes = new byte[text.Length * 5 / 8];
        int buffer = 0, bits = 0, at = 0;
        foreach (var c in text)
        {
            var value = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'v' => c - 'a' + 10,
                >= 'A' and <= 'V' => c - 'A' + 10,
                _ => -1,
            };
            if (value < 0) return null;
            buffer = ((buffer << 5) | value) & 0xFFFF;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes[at++] = (byte)(buffer >> bits);
            }
        }
        // Leftover bits must be zero, or two spellings would decode to one name.
        if ((buffer & ((1 << bits) - 1)) != 0) return null;
        return bytes;
    }
}
