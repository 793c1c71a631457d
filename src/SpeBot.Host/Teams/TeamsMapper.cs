using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpeBot.Core;
using SpeBot.Core.Commands;

namespace SpeBot.Host.Teams;

/// <summary>
/// A Teams message → the core's neutral command: the bot's own mention removed, people's mentions turned into
/// &lt;@id&gt; (their Entra object id when Teams gives one), markup stripped and entities decoded.
/// </summary>
public static partial class TeamsMapper
{
    public static ChatCommand? ToCommand(Activity a)
    {
        if (a.TenantId is not { Length: > 0 } tenant || a.Conversation?.Id is not { } conversation || a.From?.PersonId is not { } user) return null;
        var text = NeutralText(a);
        var verb = LeadingSpe().Replace(text, "");
        // A message cannot open a Teams dialog, but its answer can carry the button that does (TeamsRenderer.ProposePrompt).
        return new ChatCommand(Platform.Teams, tenant, ServiceUrls.BaseConversation(conversation), user, verb, a.Locale, CanOfferForms: true);
    }

    public static string NeutralText(Activity a)
    {
        var text = a.Text ?? "";
        var replacements = new List<string>();
        foreach (var e in a.Entities ?? [])
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var t) || t.GetString() != "mention") continue;
            if (!e.TryGetProperty("mentioned", out var m) || m.ValueKind != JsonValueKind.Object) continue;
            var id = Str(m, "id");
            var name = Str(m, "name");
            var tag = Str(e, "text") ?? (name is null ? null : $"<at>{name}</at>");
            if (tag is null) continue;
            var isBot = id is not null && id == a.Recipient?.Id;
            var person = Str(m, "aadObjectId") ?? id;
            // A private-use marker keeps the slot through tag stripping and HTML decoding.
            var marker = $"\uE000{replacements.Count}\uE001";
            replacements.Add(isBot || person is null || !TeamsText.IsUserId(person) ? (isBot ? "" : "@" + (name ?? "")) : $"<@{person}>");
            var at = text.IndexOf(tag, StringComparison.OrdinalIgnoreCase);
            if (at >= 0) text = text[..at] + marker + text[(at + tag.Length)..];
        }
        text = Tags().Replace(text, " ");
        text = WebUtility.HtmlDecode(text).Replace("<@", "< @", StringComparison.Ordinal);
        for (var i = 0; i < replacements.Count; i++) text = text.Replace($"\uE000{i}\uE001", replacements[i], StringComparison.Ordinal);
        return Spaces().Replace(text, " ").Trim();
    }

    /// <summary>HTML (a message action's body) → plain text: block ends become newlines, tags go, entities decode.</summary>
    public static string HtmlToPlain(string? html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        var s = BlockEnds().Replace(html, "\n");
        s = WebUtility.HtmlDecode(Tags().Replace(s, ""));
        return string.Join('\n', s.Split('\n').Select(l => Spaces().Replace(l, " ").Trim()).Where(l => l.Length > 0));
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [GeneratedRegex("<[^<>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"(?i)<br\s*/?>|</(p|div|li|h\d)>")]
    private static partial Regex BlockEnds();

    [GeneratedRegex(@"[ \t\r\n\u00A0]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(?i:spe)\s+(?=\w)")]
    private static partial Regex LeadingSpe();
}
