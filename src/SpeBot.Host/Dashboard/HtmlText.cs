using System.Text.Encodings.Web;
using System.Text.Unicode;
using SpeBot.Core;
using SpeBot.Core.Text;

namespace SpeBot.Host.Dashboard;

/// <summary>Catalog text for web pages: the template and every argument HTML-encoded, mentions as @id.</summary>
public sealed class HtmlText(MessageCatalog catalog)
{
    // Every script allowed through as text (Japanese stays readable in the source); markup characters are always encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private sealed class Style : ITextStyle
    {
        public static readonly Style Instance = new();
        public string Escape(string userText) => Encoder.Encode(userText);
        public string Mention(UserRef user) => Encoder.Encode("@" + user.Id);
        public string Markup(string template) => Encoder.Encode(template);
    }

    /// <summary>HTML-safe text for <paramref name="key"/> in <paramref name="locale"/>.</summary>
    public string T(string locale, string key, Dictionary<string, object?>? args = null) =>
        catalog.Format(locale, new Message(key, args), Style.Instance);

    /// <summary>The same text unencoded, for JSON that scripts put into the page with textContent.</summary>
    public string Raw(string locale, string key) => catalog.Template(locale, key);

    public static string E(string? text) => Encoder.Encode(text ?? "");
}
