using System.Globalization;
using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>
/// An authenticated activity from another tenant that names this tenant's objects (card id, item id, poll, handoff,
/// captured message, conversation) touches nothing of this tenant's, whichever inbound path it takes (issue 19, point 1).
/// </summary>
public sealed class TenantIsolationTests : TeamsHost
{
    private const string OtherTenant = "00000000-0000-4000-8000-000000000002";

    /// <summary>The same activity, as Teams would send it from another tenant.</summary>
    private static JsonObject Elsewhere(JsonObject a)
    {
        a["conversation"]!["tenantId"] = OtherTenant;
        a["channelData"]!["tenant"] = new JsonObject { ["id"] = OtherTenant };
        return a;
    }

    private JsonObject Execute(string verb, JsonObject data, string id, string userAad = ActivityBuilder.UserAad)
    {
        var a = ActivityBuilder.Base("invoke", Bot.ServiceUrl, ActivityBuilder.Channel, id, userAad);
        a["name"] = "adaptiveCard/action";
        a["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data }, ["trigger"] = "manual" };
        return a;
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task ReactionFromAnotherTenantOnACardStoresNothing()
    {
        var (itemId, cardId) = await ProposeAsync("Cut CI minutes");

        await SendAsync(Elsewhere(ActivityBuilder.Reaction(Bot.ServiceUrl, cardId, "like", true, "f:x-r1")));

        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM reaction_states").Single());
        // The same reaction from the card's own tenant is a vote: the test can fail.
        await SendAsync(ActivityBuilder.Reaction(Bot.ServiceUrl, cardId, "like", true, "f:x-r2"));
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
    }

    [Fact]
    public async Task CardAndNudgeButtonsFromAnotherTenantChangeNothing()
    {
        var (itemId, cardId) = await ProposeAsync("Rotate keys");

        foreach (var (verb, n) in new[] { ("spe.vote", 1), ("spe.claim", 2), ("spe.details", 3) })
        {
            var toast = await InvokeAsync(Elsewhere(ActivityBuilder.CardAction(Bot.ServiceUrl, verb, itemId, cardId, $"f:x-b{n}")));
            Assert.Equal("application/vnd.microsoft.activity.message", toast["type"]!.GetValue<string>());
            Assert.DoesNotContain("Rotate keys", toast["value"]!.GetValue<string>());
        }
        await InvokeAsync(Elsewhere(Execute("spe.nudge", new JsonObject { ["op"] = "done", ["itemId"] = Id(itemId) }, "f:x-b4")));

        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes").Single());
        Assert.Equal(("proposed", (string?)null),
            Query<(string, string?)>("SELECT status, claimed_by FROM items WHERE id = @itemId", new { itemId }).Single());
    }

    [Fact]
    public async Task RetroVoteAndHandoffAckFromAnotherTenantChangeNothing()
    {
        await ProposeAsync("Cut CI time");
        await CommandAsync("done SPE-1 p95 14 → 8 min", "1700000000002");
        await CommandAsync("retro 2h", "1700000000003");
        await CommandAsync("handoff <at>Ken</at>", "1700000000004", mentionKen: true);
        var poll = Query<long>("SELECT id FROM polls").Single();
        var handoff = Query<long>("SELECT id FROM handoffs").Single();
        var item = Query<long>("SELECT id FROM items").Single();

        var vote = await InvokeAsync(Elsewhere(Execute("retro_vote",
            new JsonObject { ["poll"] = Id(poll), ["question"] = "done", ["option"] = Id(item) }, "f:x-p1")));
        Assert.Equal("application/vnd.microsoft.activity.message", vote["type"]!.GetValue<string>());
        // Ken by id, but signed in to another tenant.
        var ack = await InvokeAsync(Elsewhere(Execute("spe.handoff_ack", new JsonObject { ["handoff"] = Id(handoff) }, "f:x-h1", KenAad)));
        Assert.Equal("application/vnd.microsoft.activity.message", ack["type"]!.GetValue<string>());

        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM poll_votes").Single());
        Assert.Null(Query<string?>("SELECT acked_at FROM handoffs").Single());
    }

    [Fact]
    public async Task MessageActionFromAnotherTenantMakesItsOwnItemAndNamesNoneOfThisTenants()
    {
        const string html = "<p>Secret migration plan</p>";
        await InvokeAsync(ActivityBuilder.MessageAction(Bot.ServiceUrl, "composeExtension/submitAction", html, "f:x-m1"));
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM items").Single());

        var answer = await InvokeAsync(Elsewhere(ActivityBuilder.MessageAction(Bot.ServiceUrl, "composeExtension/submitAction", html, "f:x-m2")));

        Assert.Equal(2, Query<long>("SELECT COUNT(DISTINCT workspace_id) FROM items").Single());
        Assert.DoesNotContain("already", answer["task"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageFromAnotherTenantInThisTenantsConversationIsNotAnsweredThere()
    {
        await ProposeAsync("Cut CI minutes");
        var owner = Query<long>("SELECT workspace_id FROM conversation_refs").Single();

        await SendAsync(Elsewhere(ActivityBuilder.ChannelMention(Bot.ServiceUrl, "list", "1700000000099")));
        await SpeBotFactory.WaitUntilAsync(() => Query<string?>("SELECT status FROM outbox WHERE dedupe_key = 'reply:teams:1700000000099'").SingleOrDefault() == "dead",
            what: "the other tenant's reply dead-lettered");

        Assert.Equal(owner, Query<long>("SELECT workspace_id FROM conversation_refs").Single());
        Assert.DoesNotContain(Bot.Calls, c => c.Path.EndsWith("/activities/1700000000099", StringComparison.Ordinal));
    }
}
