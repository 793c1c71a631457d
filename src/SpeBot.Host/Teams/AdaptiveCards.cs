using System.Text.Json.Nodes;

namespace SpeBot.Host.Teams;

/// <summary>Adaptive Card 1.5 JSON, written by hand: only the elements SpeBot uses (Teams is limited to 1.5).</summary>
public static class AdaptiveCards
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string Version = "1.5";
    /// <summary>Teams' card budget is well above this; staying under 28 KB keeps every card postable anywhere.</summary>
    public const int MaxCardBytes = 28 * 1024;
    /// <summary>A guard only: titles (150) and details (3000) are capped before escaping, so this never cuts an entity in practice.</summary>
    public const int MaxTextBlock = 20_000;

    public static JsonObject Card(IEnumerable<JsonNode> body, IEnumerable<JsonNode>? actions = null, JsonArray? mentions = null)
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = Version,
            ["body"] = new JsonArray(body.ToArray()),
        };
        if (actions is not null) card["actions"] = new JsonArray(actions.ToArray());
        // Mentions inside card text only render when the card lists them as msteams entities.
        card["msteams"] = mentions is { Count: > 0 } ? new JsonObject { ["width"] = "Full", ["entities"] = mentions } : new JsonObject { ["width"] = "Full" };
        return card;
    }

    public static JsonObject Text(string text, string? weight = null, string? size = null, bool subtle = false)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = Truncate(text, MaxTextBlock), ["wrap"] = true };
        if (weight is not null) block["weight"] = weight;
        if (size is not null) block["size"] = size;
        if (subtle) block["isSubtle"] = true;
        return block;
    }

    /// <summary>A Universal Action button: Teams answers with an adaptiveCard/action invoke carrying verb and data.</summary>
    public static JsonObject Execute(string title, string verb, JsonObject data, string? style = null)
    {
        var action = new JsonObject { ["type"] = "Action.Execute", ["title"] = title, ["verb"] = verb, ["data"] = data };
        if (style is not null) action["style"] = style;
        return action;
    }

    public static JsonObject Attachment(JsonObject card) => new() { ["contentType"] = ContentType, ["content"] = card };

    public static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
