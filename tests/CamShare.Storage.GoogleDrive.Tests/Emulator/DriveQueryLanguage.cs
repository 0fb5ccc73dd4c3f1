namespace CamShare.Storage.GoogleDrive.Tests.Emulator;

/// <summary>
/// The part of Drive's files.list <c>q</c> language the plugin uses: terms joined by <c>and</c> —
/// <c>'ID' in parents</c>, <c>name = '…'</c>, <c>mimeType = / != '…'</c>, <c>trashed = true|false</c>. String
/// literals escape <c>'</c> and <c>\</c> with a backslash. Anything else is a 400 "Invalid Value", as from Drive.
/// </summary>
internal static class DriveQueryLanguage
{
    public static Func<StoredItem, bool> Compile(string q)
    {
        var tokens = Tokenize(q);
        var terms = new List<Func<StoredItem, bool>>();
        var i = 0;
        while (true)
        {
            terms.Add(Term(tokens, ref i, q));
            if (i == tokens.Count) break;
            if (!tokens[i].Is("and")) throw Invalid(q);
            i++;
        }
        return item => terms.All(t => t(item));
    }

    private static Func<StoredItem, bool> Term(List<Token> tokens, ref int i, string q)
    {
        if (i + 2 >= tokens.Count) throw Invalid(q);
        var left = tokens[i];
        var op = tokens[i + 1];
        var right = tokens[i + 2];
        i += 3;
        if (left.IsString && op.Is("in") && right.Is("parents")) return item => item.Parents.Contains(left.Text);
        if (left.IsString || right is { IsString: false, Text: not ("true" or "false") }) throw Invalid(q);
        var equal = op.Text switch { "=" => true, "!=" => false, _ => throw Invalid(q) };
        Func<StoredItem, bool> test = left.Text switch
        {
            "name" when right.IsString => item => item.Name == right.Text,
            "mimeType" when right.IsString => item => item.MimeType == right.Text,
            "trashed" when !right.IsString => item => item.Trashed == (right.Text == "true"),
            _ => throw Invalid(q),
        };
        return equal ? test : item => !test(item);
    }

    private static List<Token> Tokenize(string q)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < q.Length;)
        {
            var c = q[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '\'')
            {
                var text = new System.Text.StringBuilder();
                for (i++; ; i++)
                {
                    if (i >= q.Length) throw Invalid(q);
                    if (q[i] == '\\' && i + 1 < q.Length) { text.Append(q[++i]); continue; }
                    if (q[i] == '\'') { i++; break; }
                    text.Append(q[i]);
                }
                tokens.Add(new Token(text.ToString(), true));
            }
            else if (c == '!' && i + 1 < q.Length && q[i + 1] == '=') { tokens.Add(new Token("!=", false)); i += 2; }
            else if (c == '=') { tokens.Add(new Token("=", false)); i++; }
            else if (char.IsLetter(c))
            {
                var start = i;
                while (i < q.Length && char.IsLetterOrDigit(q[i])) i++;
                tokens.Add(new Token(q[start..i], false));
            }
            else throw Invalid(q);
        }
        return tokens;
    }

    private static EmulatorError Invalid(string q) => EmulatorError.BadRequest("Invalid Value", "invalid", "q");

    private sealed record Token(string Text, bool IsString)
    {
        public bool Is(string word) => !IsString && Text == word;
    }
}
