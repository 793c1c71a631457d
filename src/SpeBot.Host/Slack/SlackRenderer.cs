using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Text;

namespace SpeBot.Host.Slack;

/// <summary>Block Kit for SpeBot's replies and item cards. Catalog text is trusted; every argument is escaped by the catalog.</summary>
public sealed class SlackRenderer(MessageCatalog catalog, IOptions<SpeBotOptions> options)
{
    public const string VoteAction = "spe_vote";
    public const string ClaimAction = "spe_claim";
    public const string DetailsAction = "spe_details";
    public const string PageAction = "spe_page";
    public const string MoreAction = "spe_more";

    /// <summary>Verbs offered in the card's overflow menu; each needs only the item (decline needs a reason, so it stays a command).</summary>
    public static readonly string[] MenuVerbs = ["accept", "release", "done", "reopen"];

    public string T(string locale, Message message) => catalog.Format(locale, message, SlackText.Instance);

    private string T(string locale, string key, Dictionary<string, object?>? args = null) => T(locale, new Message(key, args));

    /// <summary>The slash-command ack body: ephemeral unless the handler asked for the channel.</summary>
    public JsonObject Ack(Reply reply)
    {
        var (text, blocks) = Render(reply);
        return new JsonObject
        {
            ["response_type"] = reply.Visibility == ReplyVisibility.Channel ? "in_channel" : "ephemeral",
            ["text"] = text,
            ["blocks"] = blocks,
        };
    }

    public (string Text, JsonArray Blocks) Render(Reply reply)
    {
        var locale = reply.Locale ?? MessageCatalog.Fallback;
        var lines = reply.Lines.Select(l => T(locale, WithDefaults(l))).ToList();
        var blocks = new List<JsonObject>();
        // Consecutive lines share a section until it would pass Slack's 3000-character limit.
        var chunk = "";
        foreach (var line in lines)
        {
            if (chunk.Length > 0 && chunk.Length + line.Length + 1 > BlockKit.MaxSectionText)
            {
                blocks.Add(BlockKit.Section(chunk));
                chunk = "";
            }
            chunk = chunk.Length == 0 ? line : chunk + "\n" + line;
        }
        if (chunk.Length > 0) blocks.Add(BlockKit.Section(chunk));

        foreach (var view in reply.Items) blocks.AddRange(ItemSummary(view, locale));
        if (reply.Items.Count == 0 && reply.Lines.Count == 0) blocks.Add(BlockKit.Section(T(locale, "list.empty")));

        JsonObject? more = reply.NextPage is null ? null : BlockKit.Actions(
            BlockKit.Button(T(locale, "list.more", new() { ["command"] = reply.NextPage }), PageAction, reply.NextPage));
        if (more is not null) blocks.Add(more);
        var fallback = string.Join("\n", lines.Concat(reply.Items.Select(v => $"{v.Item.Ref} {SlackText.EscapeText(v.Item.Title)}")));
        return (BlockKit.Truncate(fallback.Length == 0 ? T(locale, "list.empty") : fallback, BlockKit.MaxFallbackText),
            BlockKit.Limit(blocks, BlockKit.MaxBlocks, more));
    }

    /// <summary>A reply shown as a modal (a click in the Home tab has no conversation to answer in).</summary>
    public JsonObject ReplyView(Reply reply)
    {
        var locale = reply.Locale ?? MessageCatalog.Fallback;
        var (_, blocks) = Render(reply);
        return new JsonObject
        {
            ["type"] = "modal",
            ["title"] = BlockKit.Plain(T(locale, "home.reply.title"), BlockKit.MaxModalTitle),
            ["close"] = BlockKit.Plain(T(locale, "home.reply.close"), BlockKit.MaxModalTitle),
            ["blocks"] = blocks,
        };
    }

    private IEnumerable<JsonObject> ItemSummary(ItemView view, string locale)
    {
        var item = view.Item;
        var title = $"*{item.Ref}* {SlackText.EscapeText(item.Title)}";
        yield return BlockKit.Section(title, BlockKit.Button(T(locale, "card.details"), DetailsAction, item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        yield return BlockKit.Context(T(locale, "card.meta", MetaArgs(item)), T(locale, "card.stats", StatsArgs(view, locale)));
    }

    /// <summary>The item card posted in the channel and edited in place as the item changes.</summary>
    public (string Text, JsonArray Blocks) ItemCard(ItemView view, string locale)
    {
        var item = view.Item;
        var id = item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var blocks = new List<JsonObject>
        {
            BlockKit.Section($"*{item.Ref}* {SlackText.EscapeText(item.Title)}"),
        };
        if (!string.IsNullOrWhiteSpace(item.Detail)) blocks.Add(BlockKit.Section(SlackText.EscapeText(item.Detail)));

        var context = new List<string> { T(locale, "card.meta", MetaArgs(item)) };
        if (item.Team is not null) context.Add(T(locale, "card.team", new() { ["team"] = item.Team }));
        var sourceLabel = T(locale, item.FoundBy is null ? "card.source" : $"card.found.{item.FoundBy}");
        if (item.SourcePermalink is not null && Uri.TryCreate(item.SourcePermalink, UriKind.Absolute, out var link) && link.Scheme == Uri.UriSchemeHttps)
            context.Add($"<{SlackText.EscapeText(link.AbsoluteUri).Replace("|", "%7C", StringComparison.Ordinal)}|{sourceLabel}>");
        else if (item.FoundBy is not null) context.Add(sourceLabel);
        if (item.TrackedUrl is not null && Uri.TryCreate(item.TrackedUrl, UriKind.Absolute, out var tracked) && tracked.Scheme == Uri.UriSchemeHttps)
            context.Add($"<{SlackText.EscapeText(tracked.AbsoluteUri).Replace("|", "%7C", StringComparison.Ordinal)}|{T(locale, "card.tracked")}>");
        if (item.SourceAuthorId is not null) context.Add(T(locale, "card.source_by", new() { ["user"] = new UserRef(item.SourceAuthorId) }));
        blocks.Add(BlockKit.Context([.. context]));

        var stats = T(locale, "card.stats", StatsArgs(view, locale));
        if (item.ClaimedBy is not null && item.State != ItemStatus.Done) stats += "\n" + T(locale, "card.claimed", new() { ["user"] = new UserRef(item.ClaimedBy) });
        if (item is { State: ItemStatus.Done, DoneBy: not null })
            stats += "\n" + T(locale, item.Evidence is null ? "card.done" : "card.done_evidence", new() { ["user"] = new UserRef(item.DoneBy), ["evidence"] = item.Evidence });
        if (item is { State: ItemStatus.Declined, DeclineReason: not null })
            stats += "\n" + T(locale, "card.declined", new() { ["reason"] = item.DeclineReason });
        if (item.FindingNote is not null) stats += "\n" + T(locale, $"card.finding.{item.FindingNote}");
        blocks.Add(BlockKit.Section(stats));

        // A closed item (done, declined, duplicate) cannot be claimed until it is reopened: no Claim button to answer "not now".
        blocks.Add(BlockKit.Actions([
            BlockKit.Button("👍 " + T(locale, "card.vote"), VoteAction, id, "primary"),
            .. ItemLifecycle.IsOpen(item.State) ? [BlockKit.Button(T(locale, "card.claim"), ClaimAction, id)] : Array.Empty<JsonObject>(),
            BlockKit.Button(T(locale, "card.details"), DetailsAction, id),
            new JsonObject
            {
                ["type"] = "overflow", ["action_id"] = MoreAction,
                ["options"] = new JsonArray(MenuVerbs.Select(v => (JsonNode)BlockKit.Option(T(locale, $"card.menu.{v}"), $"{v}:{id}")).ToArray()),
            }]));
        blocks.Add(BlockKit.Context(T(locale, "card.vote_hint", new() { ["vote"] = options.Value.VoteReactions[0] })));

        var text = T(locale, "card.fallback", new()
        {
            ["ref"] = item.Ref, ["title"] = item.Title, ["status"] = new KeyRef($"status.{item.Status}"), ["votes"] = item.Votes,
        });
        return (BlockKit.Truncate(text, BlockKit.MaxFallbackText), BlockKit.Limit(blocks, BlockKit.MaxBlocks));
    }

    private static Dictionary<string, object?> MetaArgs(Item item) => new()
    {
        ["category"] = new KeyRef($"category.{item.Category}"),
        ["status"] = new KeyRef($"status.{item.Status}"),
        ["author"] = new UserRef(item.AuthorId),
    };

    private Dictionary<string, object?> StatsArgs(ItemView view, string locale) => new()
    {
        ["score"] = BlockKit.Number(view.Score),
        ["votes"] = view.Item.Votes,
        ["impact"] = view.Item.Impact?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? T(locale, "card.unset"),
        ["effort"] = view.Item.Effort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? T(locale, "card.unset"),
    };

    /// <summary>Help lines carry the configured reactions as arguments.</summary>
    private Message WithDefaults(Message m)
    {
        if (m.Key != "help.help") return m;
        var args = new Dictionary<string, object?>(m.Args ?? [])
        {
            ["capture"] = options.Value.CaptureReaction,
            ["vote"] = options.Value.VoteReactions[0],
        };
        return m with { Args = args };
    }
}
