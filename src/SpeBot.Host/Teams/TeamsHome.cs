using System.Globalization;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Teams;

/// <summary>
/// Teams' counterpart of Slack's App Home: <c>home</c> in the personal chat answers with one card of my open proposals,
/// my claims and the top open items, each with Details / Claim / Vote. Its buttons carry <c>view: home</c>, so a click
/// answers with this card refreshed for the clicker instead of the item's own card.
/// </summary>
public sealed class TeamsHome(TeamsRenderer renderer, ItemQueries queries, WorkspaceStore workspaces)
{
    public const string Verb = "home";
    public const string View = "home";
    /// <summary>Three sections of this many stay well under the 28 KB card budget (about 0.6 KB per item with its buttons).</summary>
    public const int PerSection = 8;

    public async Task<JsonObject> CardAsync(Workspace workspace, string userId, string? localeHint, CancellationToken ct)
    {
        var locale = await workspaces.LocaleForAsync(workspace, userId, localeHint, ct);
        var (mine, claims) = await queries.MineAsync(workspace.Id, userId, ct);
        var top = await queries.TopAsync(workspace.Id, PerSection, ct);
        return Card(mine, claims, top, locale);
    }

    /// <summary>The card; fewer items per section while it would exceed the 28 KB budget (long escaped titles).</summary>
    public JsonObject Card(IReadOnlyList<ItemView> mine, IReadOnlyList<ItemView> claims, IReadOnlyList<ItemView> top, string locale)
    {
        for (var per = PerSection; ; per--)
        {
            var card = Build(mine, claims, top, locale, per);
            if (per <= 1 || System.Text.Encoding.UTF8.GetByteCount(BotJson.Serialize(card)) <= AdaptiveCards.MaxCardBytes) return card;
        }
    }

    private JsonObject Build(IReadOnlyList<ItemView> mine, IReadOnlyList<ItemView> claims, IReadOnlyList<ItemView> top, string locale, int per)
    {
        var style = renderer.NewStyle();
        var body = new List<JsonNode>();
        Section("home.mine", mine);
        Section("home.claims", claims);
        Section("home.top", top);
        return AdaptiveCards.Card(body, mentions: style.Entities());

        void Section(string key, IReadOnlyList<ItemView> views)
        {
            var header = AdaptiveCards.Text(renderer.T(locale, new Message(key), style), "Bolder", "Medium");
            if (body.Count > 0) header["separator"] = true;
            body.Add(header);
            if (views.Count == 0) body.Add(AdaptiveCards.Text(renderer.T(locale, new Message("list.empty"), style), subtle: true));
            foreach (var view in views.Take(per)) body.AddRange(Item(view, locale, style));
        }
    }

    private IEnumerable<JsonNode> Item(ItemView view, string locale, TeamsText style)
    {
        var item = view.Item;
        yield return AdaptiveCards.Text($"**{item.Ref}** {TeamsText.EscapeText(item.Title)}");
        yield return AdaptiveCards.Text(renderer.T(locale, new Message("card.stats", renderer.StatsArgs(view, locale, style)), style), subtle: true, size: "Small");
        var data = new JsonObject { ["itemId"] = item.Id.ToString(CultureInfo.InvariantCulture), ["view"] = View };
        var actions = new JsonArray { AdaptiveCards.Execute(renderer.T(locale, new Message("card.details"), style), TeamsRenderer.DetailsVerb, (JsonObject)data.DeepClone()) };
        // Claim where claiming can succeed; the vote toggles like the item card's button.
        if (item.ClaimedBy is null && item.State is ItemStatus.Proposed or ItemStatus.Accepted)
            actions.Add(AdaptiveCards.Execute(renderer.T(locale, new Message("card.claim"), style), TeamsRenderer.ClaimVerb, (JsonObject)data.DeepClone()));
        if (item.State is ItemStatus.Proposed or ItemStatus.Accepted or ItemStatus.InProgress)
            actions.Add(AdaptiveCards.Execute("👍 " + renderer.T(locale, new Message("card.vote"), style), TeamsRenderer.VoteVerb, (JsonObject)data.DeepClone()));
        yield return new JsonObject { ["type"] = "ActionSet", ["actions"] = actions };
    }
}
