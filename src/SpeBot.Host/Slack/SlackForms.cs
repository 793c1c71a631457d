using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;

namespace SpeBot.Host.Slack;

/// <summary>The proposal modal: built from a <see cref="FormRequest"/>, read back from a view_submission.</summary>
public sealed class SlackForms(SlackRenderer renderer)
{
    public const string CallbackId = "spe_propose";

    /// <summary>What the modal carries through Slack in private_metadata (≤3000 chars).</summary>
    internal sealed record Metadata(string? Channel, string? SourceChannel, string? SourceTs, string? SourceAuthor, long? EditItemId, string Locale);

    public JsonObject Modal(FormRequest form, string locale, string? channelId)
    {
        string L(string key) => renderer.T(locale, new Message(key));
        var meta = new Metadata(channelId ?? form.Source?.ChannelId, form.Source?.ChannelId, form.Source?.MessageId,
            form.Source?.AuthorId, form.EditItemId, locale);

        var blocks = new List<JsonObject>();
        if (form.Source is not null) blocks.Add(BlockKit.Context(L("form.source")));
        blocks.Add(Input("title", L("form.field.title"), TextInput(form.Title, ProposalText.MaxTitle, multiline: false), optional: false, hint: L("form.field.title.hint")));
        blocks.Add(Input("category", L("form.field.category"), Select(
            Category.All.Select(c => (L($"category.{c}"), c)), form.Category), optional: false));
        blocks.Add(Input("impact", L("form.field.impact"), Select(Scale(), form.Impact?.ToString(CultureInfo.InvariantCulture)), optional: true));
        blocks.Add(Input("effort", L("form.field.effort"), Select(Scale(), form.Effort?.ToString(CultureInfo.InvariantCulture)), optional: true));
        blocks.Add(Input("detail", L("form.field.detail"), TextInput(form.Detail ?? "", ProposalText.MaxDetail, multiline: true), optional: true));
        blocks.Add(Input("team", L("form.field.team"), TextInput(form.Team ?? "", ProposalText.MaxTeam, multiline: false), optional: true));
        if (meta.Channel is null)
        {
            // A global shortcut has no channel: ask where the card goes, defaulting to where the user is.
            blocks.Add(Input("channel", L("form.field.channel"), new JsonObject
            {
                ["type"] = "conversations_select", ["action_id"] = "value", ["default_to_current_conversation"] = true,
                ["filter"] = new JsonObject { ["include"] = new JsonArray("public", "private"), ["exclude_bot_users"] = true },
            }, optional: false));
        }

        return new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = CallbackId,
            ["title"] = BlockKit.Plain(L("form.title"), BlockKit.MaxModalTitle),
            ["submit"] = BlockKit.Plain(L("form.submit"), BlockKit.MaxModalTitle),
            ["close"] = BlockKit.Plain(L("form.cancel"), BlockKit.MaxModalTitle),
            ["private_metadata"] = JsonSerializer.Serialize(meta, SlackJson.Options),
            ["blocks"] = BlockKit.Limit(blocks, BlockKit.MaxViewBlocks),
        };
    }

    /// <summary>A submitted form: the proposal, or errors keyed by input block_id for response_action "errors".</summary>
    internal sealed record Submission(NewItem? Item, string? CardChannel, Dictionary<string, string> Errors);

    internal Submission Read(ViewPayload view, long workspaceId, string userId)
    {
        var meta = JsonSerializer.Deserialize<Metadata>(view.PrivateMetadata ?? "{}", SlackJson.Options)
                   ?? new Metadata(null, null, null, null, null, "en");
        var state = view.State ?? new ViewState();
        var errors = new Dictionary<string, string>();
        string E(string key, int? max = null) =>
            renderer.T(meta.Locale, new Message(key, max is null ? null : new() { ["max"] = max }));

        var title = (state.Text("title", "value") ?? "").Trim();
        if (title.Length == 0) errors["title"] = E("form.error.title_required");
        else if (title.Length > ProposalText.MaxTitle) errors["title"] = E("form.error.title_too_long", ProposalText.MaxTitle);
        var detail = state.Text("detail", "value")?.Trim();
        if (detail is { Length: > ProposalText.MaxDetail }) errors["detail"] = E("form.error.detail_too_long", ProposalText.MaxDetail);
        var team = state.Text("team", "value")?.Trim();
        if (team is { Length: > ProposalText.MaxTeam }) errors["team"] = E("form.error.team_too_long", ProposalText.MaxTeam);
        if (!Category.TryNormalize(state.Text("category", "value"), out var category)) category = Category.Other;
        int? impact = ScaleOf("impact"), effort = ScaleOf("effort");
        var channel = meta.Channel ?? SelectedConversation(state);
        if (meta.Channel is null && channel is null) errors["channel"] = E("form.error.channel_required");

        if (errors.Count > 0) return new Submission(null, null, errors);
        var source = meta.SourceTs is null ? null : new SourceMessage(meta.SourceChannel!, meta.SourceTs, meta.SourceAuthor, null, null);
        return new Submission(new NewItem(workspaceId, title, "slack", userId, category,
            string.IsNullOrEmpty(detail) ? null : detail, impact, effort, string.IsNullOrEmpty(team) ? null : team, source, channel), channel, errors);

        int? ScaleOf(string block)
        {
            var raw = state.Text(block, "value");
            if (raw is null) return null;
            if (ProposalText.TryScale(raw, out var n)) return n;
            errors[block] = E("form.error.scale");
            return null;
        }
    }

    private static string? SelectedConversation(ViewState state) =>
        state.Values.GetValueOrDefault("channel")?.GetValueOrDefault("value")?.SelectedConversation;

    private static JsonObject Input(string blockId, string label, JsonObject element, bool optional, string? hint = null)
    {
        var block = new JsonObject
        {
            ["type"] = "input", ["block_id"] = blockId, ["label"] = BlockKit.Plain(label, 2000), ["element"] = element, ["optional"] = optional,
        };
        if (hint is not null) block["hint"] = BlockKit.Plain(hint, 2000);
        return block;
    }

    private static JsonObject TextInput(string initial, int max, bool multiline)
    {
        var e = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = "value", ["multiline"] = multiline, ["max_length"] = max };
        if (initial.Length > 0) e["initial_value"] = BlockKit.Truncate(initial, max);
        return e;
    }

    private static JsonObject Select(IEnumerable<(string Text, string Value)> options, string? initial)
    {
        var opts = options.Select(o => BlockKit.Option(o.Text, o.Value)).ToList();
        var e = new JsonObject
        {
            ["type"] = "static_select", ["action_id"] = "value",
            ["options"] = new JsonArray(opts.Select(o => (JsonNode)o).ToArray()),
        };
        var chosen = opts.FirstOrDefault(o => o["value"]!.GetValue<string>() == initial);
        if (chosen is not null) e["initial_option"] = chosen.DeepClone();
        return e;
    }

    private static IEnumerable<(string, string)> Scale() =>
        Enumerable.Range(1, 5).Select(n => (n.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture)));
}
