using System.Globalization;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Text;

namespace SpeBot.Host.Teams;

/// <summary>Teams messages and item cards from neutral replies. Catalog text is trusted; every argument is escaped.</summary>
public sealed class TeamsRenderer(MessageCatalog catalog, TeamsPeople people)
{
    public const string VoteVerb = "spe.vote";
    public const string ClaimVerb = "spe.claim";
    public const string DetailsVerb = "spe.details";

    public TeamsText NewStyle() => new(people);

    public string T(string locale, Message message, TeamsText style) => catalog.Format(locale, message, style);

    /// <summary>A message activity for a reply: lines as markdown paragraphs, items as one line each.</summary>
    public JsonObject Message(Reply reply)
    {
        var locale = reply.Locale ?? MessageCatalog.Fallback;
        var style = NewStyle();
        if (reply.Form is { EditItemId: null } form) return ProposePrompt(form, locale, style);
        if (reply.Form is not null) reply = Reply.Text("teams.form_unavailable") with { Locale = locale };
        var lines = reply.Lines.Select(l => T(locale, l, style)).ToList();
        foreach (var view in reply.Items)
        {
            lines.Add($"**{view.Item.Ref}** {TeamsText.EscapeText(view.Item.Title)} · " + T(locale, new Message("card.stats", StatsArgs(view, locale, style)), style));
        }
        if (reply.NextPage is not null) lines.Add(T(locale, new Message("teams.more", new() { ["command"] = reply.NextPage }), style));
        if (lines.Count == 0) lines.Add(T(locale, "list.empty", style));
        return TextActivity(string.Join("\n\n", lines), style);
    }

    /// <summary>
    /// A message cannot open a dialog in Teams, but a card button can (task/fetch): the answer to "propose" without a
    /// title is a card whose button opens the proposal form, with the hints already given (#category) kept.
    /// </summary>
    private JsonObject ProposePrompt(FormRequest form, string locale, TeamsText style)
    {
        var data = new JsonObject { ["msteams"] = new JsonObject { ["type"] = "task/fetch" }, ["spe"] = TeamsForms.ProposeTask, ["category"] = form.Category };
        var card = AdaptiveCards.Card([AdaptiveCards.Text(T(locale, new Message("teams.form.prompt"), style))],
            [new JsonObject { ["type"] = "Action.Submit", ["title"] = T(locale, new Message("teams.form.open"), style), ["data"] = data }]);
        return CardActivity(card);
    }

    public static JsonObject TextActivity(string text, TeamsText style)
    {
        var activity = new JsonObject { ["type"] = "message", ["textFormat"] = "markdown", ["text"] = text };
        var entities = style.Entities();
        if (entities.Count > 0) activity["entities"] = entities;
        return activity;
    }

    public static JsonObject CardActivity(JsonObject card) =>
        new() { ["type"] = "message", ["attachments"] = new JsonArray(AdaptiveCards.Attachment(card)) };

    /// <summary>The item card posted in the conversation and replaced in place as the item changes.</summary>
    public JsonObject ItemCard(ItemView view, string locale)
    {
        var item = view.Item;
        var style = NewStyle();
        var body = new List<JsonNode> { AdaptiveCards.Text($"{item.Ref} {TeamsText.EscapeText(item.Title)}", "Bolder", "Medium") };
        if (!string.IsNullOrWhiteSpace(item.Detail)) body.Add(AdaptiveCards.Text(TeamsText.EscapeText(item.Detail)));

        var meta = T(locale, new Message("card.meta", new()
        {
            ["category"] = new KeyRef($"category.{item.Category}"), ["status"] = new KeyRef($"status.{item.Status}"), ["author"] = new UserRef(item.AuthorId),
        }), style);
        if (item.Team is not null) meta += " · " + T(locale, new Message("card.team", new() { ["team"] = item.Team }), style);
        body.Add(AdaptiveCards.Text(meta, subtle: true));
        var sourceLabel = T(locale, item.FoundBy is null ? "card.source" : $"card.found.{item.FoundBy}", style);
        if (item.SourcePermalink is not null && Uri.TryCreate(item.SourcePermalink, UriKind.Absolute, out var link) && link.Scheme == Uri.UriSchemeHttps)
            body.Add(AdaptiveCards.Text($"[{sourceLabel}]({link.AbsoluteUri.Replace(")", "%29", StringComparison.Ordinal)})", subtle: true));
        else if (item.FoundBy is not null) body.Add(AdaptiveCards.Text(sourceLabel, subtle: true));
        if (item.TrackedUrl is not null && Uri.TryCreate(item.TrackedUrl, UriKind.Absolute, out var tracked) && tracked.Scheme == Uri.UriSchemeHttps)
            body.Add(AdaptiveCards.Text($"[{T(locale, "card.tracked", style)}]({tracked.AbsoluteUri.Replace(")", "%29", StringComparison.Ordinal)})", subtle: true));

        var stats = T(locale, new Message("card.stats", StatsArgs(view, locale, style)), style);
        if (item.ClaimedBy is not null && item.State != ItemStatus.Done) stats += "\n\n" + T(locale, new Message("card.claimed", new() { ["user"] = new UserRef(item.ClaimedBy) }), style);
        if (item is { State: ItemStatus.Done, DoneBy: not null })
            stats += "\n\n" + T(locale, new Message(item.Evidence is null ? "card.done" : "card.done_evidence", new() { ["user"] = new UserRef(item.DoneBy), ["evidence"] = item.Evidence }), style);
        if (item is { State: ItemStatus.Declined, DeclineReason: not null })
            stats += "\n\n" + T(locale, new Message("card.declined", new() { ["reason"] = item.DeclineReason }), style);
        if (item.FindingNote is not null) stats += "\n\n" + T(locale, $"card.finding.{item.FindingNote}", style);
        body.Add(AdaptiveCards.Text(stats));
        body.Add(AdaptiveCards.Text(T(locale, "teams.card.vote_hint", style), subtle: true, size: "Small"));

        var data = new JsonObject { ["itemId"] = item.Id.ToString(CultureInfo.InvariantCulture) };
        // A closed item (done, declined, duplicate) cannot be claimed until it is reopened: no Claim button.
        JsonNode[] actions =
        [
            AdaptiveCards.Execute("👍 " + T(locale, "card.vote", style), VoteVerb, (JsonObject)data.DeepClone(), "positive"),
            .. ItemLifecycle.IsOpen(item.State) ? [AdaptiveCards.Execute(T(locale, "card.claim", style), ClaimVerb, (JsonObject)data.DeepClone())] : Array.Empty<JsonNode>(),
            AdaptiveCards.Execute(T(locale, "card.details", style), DetailsVerb, (JsonObject)data.DeepClone()),
        ];
        return AdaptiveCards.Card(body, actions, style.Entities());
    }

    private string T(string locale, string key, TeamsText style) => T(locale, new Message(key), style);

    internal Dictionary<string, object?> StatsArgs(ItemView view, string locale, TeamsText style) => new()
    {
        ["score"] = view.Score.ToString("0.#", CultureInfo.InvariantCulture),
        ["votes"] = view.Item.Votes,
        ["impact"] = view.Item.Impact?.ToString(CultureInfo.InvariantCulture) ?? T(locale, "card.unset", style),
        ["effort"] = view.Item.Effort?.ToString(CultureInfo.InvariantCulture) ?? T(locale, "card.unset", style),
    };
}
