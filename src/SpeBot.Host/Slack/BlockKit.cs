using System.Globalization;
using System.Text.Json.Nodes;

namespace SpeBot.Host.Slack;

/// <summary>
/// Block Kit pieces that respect Slack's limits: every text is cut to its limit with an ellipsis, so a
/// post never fails for length. Callers pass text already escaped (catalog output or <see cref="SlackText"/>).
/// </summary>
public static class BlockKit
{
    public const int MaxBlocks = 50;
    public const int MaxViewBlocks = 100;
    public const int MaxSectionText = 3000;
    public const int MaxContextElements = 10;
    public const int MaxActions = 25;
    public const int MaxButtonText = 75;
    public const int MaxButtonValue = 2000;
    public const int MaxHeader = 150;
    public const int MaxFallbackText = 3000;
    public const int MaxModalTitle = 24;
    public const int MaxOptionText = 75;

    /// <summary>Cuts to <paramref name="max"/> characters, never inside a surrogate pair or an entity like &amp;amp;.</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max) return text;
        if (max <= 1) return max == 1 ? "…" : "";
        var cut = max - 1;
        if (char.IsLowSurrogate(text[cut])) cut--;
        var amp = cut > 0 ? text.LastIndexOf('&', cut - 1) : -1;
        if (amp >= 0 && amp > cut - 6 && text.IndexOf(';', amp) >= cut) cut = amp;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    public static JsonObject Mrkdwn(string text, int max = MaxSectionText) =>
        new() { ["type"] = "mrkdwn", ["text"] = Truncate(text.Length == 0 ? " " : text, max), ["verbatim"] = true };

    public static JsonObject Plain(string text, int max) =>
        new() { ["type"] = "plain_text", ["text"] = Truncate(text.Length == 0 ? " " : text, max), ["emoji"] = true };

    public static JsonObject Section(string mrkdwn, JsonObject? accessory = null)
    {
        var block = new JsonObject { ["type"] = "section", ["text"] = Mrkdwn(mrkdwn) };
        if (accessory is not null) block["accessory"] = accessory;
        return block;
    }

    public static JsonObject Header(string plain) => new() { ["type"] = "header", ["text"] = Plain(plain, MaxHeader) };

    public static JsonObject Context(params string[] mrkdwn) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray(mrkdwn.Where(t => t.Length > 0).Take(MaxContextElements).Select(t => (JsonNode)Mrkdwn(t)).ToArray()),
    };

    public static JsonObject Divider() => new() { ["type"] = "divider" };

    public static JsonObject Actions(params JsonObject[] elements) => new()
    {
        ["type"] = "actions",
        ["elements"] = new JsonArray(elements.Take(MaxActions).Select(e => (JsonNode)e).ToArray()),
    };

    public static JsonObject Button(string text, string actionId, string value, string? style = null)
    {
        var b = new JsonObject
        {
            ["type"] = "button", ["text"] = Plain(text, MaxButtonText), ["action_id"] = actionId,
            ["value"] = Truncate(value, MaxButtonValue),
        };
        if (style is not null) b["style"] = style;
        return b;
    }

    public static JsonObject Option(string text, string value) =>
        new() { ["text"] = Plain(text, MaxOptionText), ["value"] = value };

    /// <summary>Keeps the first blocks up to the limit, replacing the tail with <paramref name="overflow"/> when cut.</summary>
    public static JsonArray Limit(IEnumerable<JsonObject> blocks, int max, JsonObject? overflow = null)
    {
        var list = blocks.ToList();
        if (list.Count > max)
        {
            list = list.Take(overflow is null ? max : max - 1).ToList();
            if (overflow is not null) list.Add(overflow);
        }
        return new JsonArray(list.Select(b => (JsonNode)b).ToArray());
    }

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
