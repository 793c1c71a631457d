using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SpeBot.Core;
using SpeBot.Core.Text;

namespace SpeBot.Host.Teams;

/// <summary>
/// Teams text rules for one rendering: user text is entity-escaped (&amp;, &lt;, &gt;) so it can never become
/// markup or a mention; a mention is emitted only for a well-formed id (Entra object id or 29: user id) and
/// collected as the entity Teams needs to show it.
/// </summary>
public sealed partial class TeamsText(TeamsPeople people) : ITextStyle
{
    private readonly Dictionary<string, JsonObject> _mentions = new(StringComparer.Ordinal);

    public string Escape(string userText) => EscapeText(userText);

    /// <summary>Teams wording where the catalog has it (<c>teams.help.claim</c>): no Slack emoji reactions, no slash command.</summary>
    public string? Variant => "teams";

    public static string EscapeText(string text)
    {
        if (text.AsSpan().IndexOfAny('&', '<', '>') < 0) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var ch in text) sb.Append(ch switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", _ => ch.ToString() });
        return sb.ToString();
    }

    /// <summary>
    /// The catalog writes Slack: <c>*bold*</c>, which Teams shows in italics (Teams' bold is <c>**bold**</c>), and command
    /// hints as <c>`/spe list`</c>, while Teams has no slash command: the verb is typed as is (after @SpeBot in a channel).
    /// </summary>
    public string Markup(string template)
    {
        if (template.Contains("`/spe ", StringComparison.Ordinal)) template = template.Replace("`/spe ", "`", StringComparison.Ordinal);
        return template.Contains('*') ? SlackBold().Replace(template, "**$1**") : template;
    }

    [GeneratedRegex(@"(?<![*\w])\*(?=[^*\s])([^*\n]*?[^*\s])\*(?![*\w])")]
    private static partial Regex SlackBold();

    public string Mention(UserRef user)
    {
        if (!IsUserId(user.Id)) return EscapeText(user.Id);
        var name = EscapeText(people.NameOf(user.Id) ?? user.Id);
        var text = $"<at>{name}</at>";
        _mentions[user.Id] = new JsonObject
        {
            ["type"] = "mention", ["text"] = text, ["mentioned"] = new JsonObject { ["id"] = user.Id, ["name"] = name },
        };
        return text;
    }

    /// <summary>The mention entities for the text rendered so far (for activity.entities or a card's msteams.entities).</summary>
    public JsonArray Entities() => new(_mentions.Values.Select(m => (JsonNode)m.DeepClone()).ToArray());

    public static bool IsUserId(string id) => Guid.TryParse(id, out _) || TeamsUserId().IsMatch(id);

    [GeneratedRegex("^29:[A-Za-z0-9_\\-]{8,200}$")]
    private static partial Regex TeamsUserId();
}

/// <summary>
/// Display names and time zones Teams sent with validated activities, so mentions read as names and nudges follow
/// the person's clock. In memory only: after a restart a mention shows the id until that person writes again (a zone,
/// once used, is kept in user_settings).
/// </summary>
public sealed class TeamsPeople
{
    private const int Max = 10_000;
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _zones = new(StringComparer.Ordinal);

    public void Remember(ChannelAccount? who)
    {
        if (who?.PersonId is not { } id || string.IsNullOrWhiteSpace(who.Name) || _names.Count >= Max) return;
        _names[id] = who.Name.Length > 100 ? who.Name[..100] : who.Name;
    }

    public string? NameOf(string id) => _names.TryGetValue(id, out var n) ? n : null;

    /// <summary>The IANA zone a person's Teams client reports (the clientInfo entity of their activities).</summary>
    public void RememberZone(string? personId, List<JsonElement>? entities)
    {
        if (personId is null || entities is null || (_zones.Count >= Max && !_zones.ContainsKey(personId))) return;
        foreach (var e in entities)
        {
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "clientInfo"
                && e.TryGetProperty("timezone", out var z) && z.ValueKind == JsonValueKind.String && z.GetString() is { Length: > 0 and <= 64 } zone
                && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
                _zones[personId] = zone;
        }
    }

    public string? ZoneOf(string id) => _zones.TryGetValue(id, out var z) ? z : null;
}

/// <summary>Teams has no users.info for a bot without Graph consent; the zone its client sends with each activity is used.</summary>
internal sealed class TeamsUserTimeZones(TeamsPeople people) : SpeBot.Core.Schedules.IPlatformTimeZones
{
    public Platform Platform => Platform.Teams;

    public Task<string?> LookupAsync(string userId, CancellationToken ct) => Task.FromResult(people.ZoneOf(userId));
}
