using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SpeBot.Core.Text;

/// <summary>How a platform shows argument values: escaped user text and mentions.</summary>
public interface ITextStyle
{
    string Escape(string userText);
    string Mention(UserRef user);

    /// <summary>A channel link; styles without channel markup show the id as text.</summary>
    string Channel(ChannelMention channel) => Escape("#" + channel.Id);

    /// <summary>The catalog's own markup (Slack mrkdwn: <c>*bold*</c>) as the platform writes it; never applied to user text.</summary>
    string Markup(string template) => template;

    /// <summary>
    /// A key prefix for the platform's own wording: a style with variant "teams" renders <c>teams.help.claim</c> where the
    /// catalog has it and <c>help.claim</c> otherwise, so Slack-only wording (emoji reactions) never reaches Teams.
    /// </summary>
    string? Variant => null;
}

/// <summary>Every user-facing string, in English and Japanese, loaded from the embedded message files.</summary>
public sealed class MessageCatalog
{
    public const string Fallback = "en";
    public static readonly IReadOnlyList<string> Locales = ["en", "ja"];

    private readonly Dictionary<string, Dictionary<string, string>> _texts;

    public MessageCatalog()
    {
        _texts = Locales.ToDictionary(l => l, Load);
    }

    public IReadOnlyCollection<string> Keys(string locale) => _texts[locale].Keys;

    /// <summary>"ja", "ja-JP", "ja_JP" → "ja"; anything unknown → null.</summary>
    public static string? Normalize(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale)) return null;
        var lang = locale.Trim().Split('-', '_')[0].ToLowerInvariant();
        return Locales.Contains(lang) ? lang : null;
    }

    public bool Has(string key) => _texts[Fallback].ContainsKey(key);

    /// <summary>The raw template, falling back to English, then to the key itself (a visible bug, never an exception).</summary>
    public string Template(string locale, string key, string? variant = null)
    {
        var lang = Normalize(locale) ?? Fallback;
        foreach (var texts in (IEnumerable<Dictionary<string, string>>)[_texts[lang], _texts[Fallback]])
        {
            if (variant is not null && texts.TryGetValue($"{variant}.{key}", out var own)) return own;
            if (texts.TryGetValue(key, out var t)) return t;
        }
        return key;
    }

    public string Format(string locale, Message message, ITextStyle style)
    {
        var template = style.Markup(Template(locale, message.Key, style.Variant));
        if (message.Args is null || message.Args.Count == 0 || template.IndexOf('{') < 0) return template;
        return Expand(locale, template, message.Args, style);
    }

    /// <summary>
    /// Fills <c>{name}</c> and the plural form <c>{name, plural, one {# vote} other {# votes}}</c> (ICU's syntax: <c>#</c> is
    /// the number, <c>=0</c> an exact match). A placeholder without its argument stays visible: a bug shows, nothing throws.
    /// </summary>
    private string Expand(string locale, string template, Dictionary<string, object?> args, ITextStyle style)
    {
        var sb = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            var close = open < 0 ? -1 : MatchingBrace(template, open);
            if (open < 0 || close < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }
            sb.Append(template, i, open - i);
            var inner = template[(open + 1)..close];
            if (Plural.TryParse(inner, out var plural))
            {
                if (args.TryGetValue(plural.Name, out var n) && Plural.Number(n) is { } number)
                    sb.Append(Expand(locale, plural.Choose(Normalize(locale) ?? Fallback, number).Replace("#", number.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), args, style));
                else sb.Append(template, open, close - open + 1);
            }
            else if (args.TryGetValue(inner, out var value)) sb.Append(Render(locale, value, style));
            else sb.Append(template, open, close - open + 1);
            i = close + 1;
        }
        return sb.ToString();
    }

    private static int MatchingBrace(string s, int open)
    {
        var depth = 0;
        for (var j = open; j < s.Length; j++)
        {
            if (s[j] == '{') depth++;
            else if (s[j] == '}' && --depth == 0) return j;
        }
        return -1;
    }

    /// <summary>The arguments a template names, each with whether it chooses a plural form (for the catalog's own tests).</summary>
    public static IReadOnlyList<(string Name, Plural? Plural)> Arguments(string template)
    {
        var found = new List<(string, Plural?)>();
        var i = 0;
        while ((i = template.IndexOf('{', i)) >= 0 && MatchingBrace(template, i) is var close && close > 0)
        {
            var inner = template[(i + 1)..close];
            if (Plural.TryParse(inner, out var plural))
            {
                found.Add((plural.Name, plural));
                foreach (var form in plural.Forms.Values) found.AddRange(Arguments(form));
            }
            else found.Add((inner, null));
            i = close + 1;
        }
        return found;
    }

    private string Render(string locale, object? value, ITextStyle style) => value switch
    {
        null => "",
        UserRef u => style.Mention(u),
        ChannelMention ch => style.Channel(ch),
        IEnumerable<UserRef> users => string.Join(", ", users.Select(style.Mention)),
        KeyRef k => style.Markup(Template(locale, k.Key, style.Variant)),
        Message m => Format(locale, m, style),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => style.Escape(value.ToString() ?? ""),
    };

    private static Dictionary<string, string> Load(string locale)
    {
        var name = $"SpeBot.Text.messages.{locale}.json";
        using var stream = typeof(MessageCatalog).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded message file {name} is missing.");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
            ?? throw new InvalidOperationException($"Embedded message file {name} is empty.");
    }
}
