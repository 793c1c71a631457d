using System.Text.Encodings.Web;
using SpeBot.Core;
using SpeBot.Core.Text;

namespace SpeBot.Host.Dashboard;

/// <summary>Catalog text for web pages: the template and every argument HTML-encoded, mentions as @id.</summary>
public sealed class HtmlText(MessageCatalog catalog)
{
    private sealed class Style : ITextStyle
    {
        public static readonly Style Instance = new();
        public string Escape(string userText) => HtmlEncoder.Default.Encode(userText);
        public string Mention(UserRef user) => HtmlEncoder.Default.Encode("@" + user.Id);
        public string Markup(string template) => HtmlEncoder.Default.Encode(template);
    }

    /// <summary>HTML-safe text for <paramref name="key"/> in <paramref name="locale"/>.</summary>
    public string T(string locale, string key, Dictionary<string, object?>? args = null) =>
        catalog.Format(locale, new Message(key, args), Style.Instance);

    /// <summary>The same text unencoded, for JSON that scripts put into the page with textContent.</summary>
    public string Raw(string locale, string key) => catalog.Template(locale, key);

    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");
}
