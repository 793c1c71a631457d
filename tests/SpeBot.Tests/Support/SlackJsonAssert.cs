using System.Text.Json.Nodes;

namespace SpeBot.Tests.Support;

/// <summary>
/// Walks the JSON SpeBot sends to Slack. String values are checked after parsing: serialized JSON may spell
/// &lt; as \u003C, which would make a naive substring check pass for the wrong reason.
/// </summary>
public static class SlackJsonAssert
{
    public static readonly string[] RawMarkup = ["<!channel>", "<!here>", "<!everyone>", "<@U123>", "<https://evil|x>"];

    public static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    /// <summary>Strings Slack shows: a button's value and private_metadata come back to SpeBot verbatim and are never rendered.</summary>
    public static IEnumerable<string> Displayed(JsonNode? node) => node switch
    {
        JsonObject o => o.Where(p => p.Key != "private_metadata" && !(p.Key == "value" && IsType(o, "button"))).SelectMany(p => Displayed(p.Value)),
        JsonArray a => a.SelectMany(Displayed),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    private static bool IsType(JsonObject o, string type) => o["type"] is JsonValue t && t.TryGetValue<string>(out var s) && s == type;

    public static IEnumerable<JsonObject> Objects(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Objects(p.Value)).Prepend(o),
        JsonArray a => a.SelectMany(Objects),
        _ => [],
    };

    /// <summary>No broadcast, mention or link markup survives; no link_names or parse; every mrkdwn text is verbatim.</summary>
    public static void IsSafe(JsonNode? node, string where)
    {
        foreach (var s in Displayed(node))
            foreach (var raw in RawMarkup)
                Assert.False(s.Contains(raw, StringComparison.Ordinal), $"{where}: raw {raw} in \"{s}\"");
        foreach (var o in Objects(node))
        {
            Assert.False(o.ContainsKey("link_names"), $"{where}: link_names is set");
            Assert.False(o.ContainsKey("parse"), $"{where}: parse is set");
            if (IsType(o, "mrkdwn"))
                Assert.True(o["verbatim"]?.GetValue<bool>() == true, $"{where}: mrkdwn without verbatim: {o.ToJsonString()}");
        }
    }

    public static bool Mentions(JsonNode? node, string text) => Strings(node).Any(s => s.Contains(text, StringComparison.Ordinal));

    /// <summary>Slack's Block Kit limits (slack-platform.md §9).</summary>
    public static void WithinLimits(JsonArray blocks, int maxBlocks, string where)
    {
        Assert.True(blocks.Count <= maxBlocks, $"{where}: {blocks.Count} blocks > {maxBlocks}");
        foreach (var block in blocks.OfType<JsonObject>())
        {
            var type = block["type"]?.GetValue<string>();
            if (type == "header") Assert.True(Text(block["text"]).Length <= 150, $"{where}: header over 150");
            if (type == "context") Assert.True(block["elements"]!.AsArray().Count <= 10, $"{where}: context over 10 elements");
            if (type == "actions") Assert.True(block["elements"]!.AsArray().Count <= 25, $"{where}: actions over 25 elements");
            foreach (var o in Objects(block))
            {
                var t = o["type"]?.GetValue<string>();
                if (t is "mrkdwn" or "plain_text")
                {
                    var len = Text(o).Length;
                    Assert.InRange(len, 1, 3000);
                }
                if (t == "button") Assert.True(Text(o["text"]).Length <= 75, $"{where}: button text over 75");
            }
        }
    }

    private static string Text(JsonNode? textObject) => textObject?["text"]?.GetValue<string>() ?? "";
}
