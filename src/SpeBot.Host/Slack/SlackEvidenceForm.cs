using System.Text.Json;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Text;

namespace SpeBot.Host.Slack;

/// <summary>The done modal: what changed, before and after, and a note; read back into one evidence line.</summary>
public sealed class SlackEvidenceForm(SlackRenderer renderer, MessageCatalog catalog)
{
    public const string CallbackId = "spe_done";
    private const int MaxField = 300;

    internal sealed record Metadata(long Number, string? Channel, string Locale);

    public JsonObject Modal(EvidenceForm form, string locale, string? channel)
    {
        string L(string key, Dictionary<string, object?>? args = null) => renderer.T(locale, new Message(key, args));
        var blocks = new List<JsonObject>
        {
            BlockKit.Section(L("evidence.intro", new() { ["ref"] = ItemRef.Format(form.Number), ["title"] = form.Title })),
            Input("metric", L("evidence.metric"), MaxField, multiline: false, L("evidence.metric.hint")),
            Input("before", L("evidence.before"), MaxField, multiline: false),
            Input("after", L("evidence.after"), MaxField, multiline: false),
            Input("note", L("evidence.note"), Lifecycle.MaxNote - 3 * MaxField, multiline: true),
        };
        return new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = CallbackId,
            ["title"] = BlockKit.Plain(L("evidence.title"), BlockKit.MaxModalTitle),
            ["submit"] = BlockKit.Plain(L("evidence.submit"), BlockKit.MaxModalTitle),
            ["close"] = BlockKit.Plain(L("form.cancel"), BlockKit.MaxModalTitle),
            ["private_metadata"] = JsonSerializer.Serialize(new Metadata(form.Number, channel, locale), SlackJson.Options),
            ["blocks"] = new JsonArray(blocks.Select(b => (JsonNode)b).ToArray()),
        };
    }

    /// <summary>The evidence line, or an error for the "before" field when nothing useful was given.</summary>
    internal (Metadata Meta, string? Evidence, Dictionary<string, string> Errors) Read(ViewPayload view)
    {
        var meta = JsonSerializer.Deserialize<Metadata>(view.PrivateMetadata ?? "{}", SlackJson.Options) ?? new Metadata(0, null, "en");
        var state = view.State ?? new ViewState();
        string? F(string block) => state.Text(block, "value")?.Trim() is { Length: > 0 } v ? v : null;
        var (metric, before, after, note) = (F("metric"), F("before"), F("after"), F("note"));
        var parts = new List<string>();
        if (before is not null && after is not null)
            parts.Add(catalog.Format(meta.Locale, new Message("evidence.text", new() { ["metric"] = metric ?? "", ["before"] = before, ["after"] = after }),
                PlainText.Instance).TrimStart(':', '：', ' '));
        if (note is not null) parts.Add(note);
        if (parts.Count == 0)
            return (meta, null, new() { ["before"] = renderer.T(meta.Locale, new Message("evidence.required")) });
        return (meta, string.Join(" — ", parts), []);
    }

    private static JsonObject Input(string blockId, string label, int max, bool multiline, string? hint = null)
    {
        var block = new JsonObject
        {
            ["type"] = "input", ["block_id"] = blockId, ["optional"] = true, ["label"] = BlockKit.Plain(label, 2000),
            ["element"] = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = "value", ["multiline"] = multiline, ["max_length"] = max },
        };
        if (hint is not null) block["hint"] = BlockKit.Plain(hint, 2000);
        return block;
    }
}
