using System.Text;

namespace SpeBot.Core.Commands;

/// <summary>One word of command text; <see cref="Quoted"/> words are never read as hints or mentions.</summary>
public readonly record struct Token(string Text, bool Quoted);

/// <summary>
/// <c>/spe &lt;verb&gt; …</c> split into a verb and words. Parsing never throws: empty text is help,
/// over-long text is an error reply, an unknown verb is the help reply.
/// </summary>
public sealed record CommandText(string Verb, IReadOnlyList<Token> Args, string Rest, Message? Error = null)
{
    public const int MaxInputChars = 4000;

    private static readonly Dictionary<string, string> VerbAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["提案"] = "propose", ["一覧"] = "list", ["ヘルプ"] = "help", ["検索"] = "search", ["表示"] = "show",
        ["add"] = "propose", ["new"] = "propose", ["ls"] = "list", ["find"] = "search", ["?"] = "help",
    };

    public static CommandText Parse(string? text)
    {
        text ??= "";
        if (text.Length > MaxInputChars)
        {
            return new CommandText("help", [], "", new Message("error.too_long", new() { ["max"] = MaxInputChars, ["length"] = text.Length }));
        }
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return new CommandText("help", [], "");

        var tokens = Tokenize(trimmed);
        var first = tokens[0].Text;
        var verb = VerbAliases.TryGetValue(first, out var alias) ? alias : first.ToLowerInvariant();
        var rest = trimmed[Math.Min(trimmed.Length, SkipFirstWord(trimmed))..].Trim();
        return new CommandText(verb, tokens.Skip(1).ToList(), rest);
    }

    private static int SkipFirstWord(string s)
    {
        var i = 0;
        while (i < s.Length && !char.IsWhiteSpace(s[i])) i++;
        return i;
    }

    private static readonly Dictionary<char, char> Quotes = new()
    {
        ['"'] = '"', ['“'] = '”', ['「'] = '」', ['『'] = '』',
    };

    /// <summary>Splits on white space (ideographic space too); quoted runs stay one token, an unclosed quote runs to the end.</summary>
    internal static List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        var current = new StringBuilder();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                Flush();
                i++;
            }
            else if (current.Length == 0 && Quotes.TryGetValue(c, out var close))
            {
                var end = s.IndexOf(close, i + 1);
                var inner = end < 0 ? s[(i + 1)..] : s[(i + 1)..end];
                tokens.Add(new Token(inner, true));
                i = end < 0 ? s.Length : end + 1;
            }
            else
            {
                current.Append(c);
                i++;
            }
        }
        Flush();
        return tokens;

        void Flush()
        {
            if (current.Length == 0) return;
            tokens.Add(new Token(current.ToString(), false));
            current.Clear();
        }
    }
}
