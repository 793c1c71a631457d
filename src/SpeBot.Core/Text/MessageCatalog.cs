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
    public string Template(string locale, string key)
    {
        var lang = Normalize(locale) ?? Fallback;
        if (_texts[lang].TryGetValue(key, out var t)) return t;
        return _texts[Fallback].TryGetValue(key, out var en) ? en : key;
    }

    public string Format(string locale, Message message, ITextStyle style)
    {
        var template = style.Markup(Template(locale, message.Key));
        if (message.Args is null || message.Args.Count == 0 || template.IndexOf('{') < 0) return template;

        var sb = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            var close = open < 0 ? -1 : template.IndexOf('}', open + 1);
            if (open < 0 || close < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }
            sb.Append(template, i, open - i);
            var name = template[(open + 1)..close];
            if (message.Args.TryGetValue(name, out var value)) sb.Append(Render(locale, value, style));
            else sb.Append(template, open, close - open + 1);
            i = close + 1;
        }
        return sb.ToString();
    }

    private string Render(string locale, object? value, ITextStyle style) => value switch
    {
        null => "",
        UserRef u => style.Mention(u),
        ChannelMention ch => style.Channel(ch),
        IEnumerable<UserRef> users => string.Join(", ", users.Select(style.Mention)),
        KeyRef k => style.Markup(Template(locale, k.Key)),
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
