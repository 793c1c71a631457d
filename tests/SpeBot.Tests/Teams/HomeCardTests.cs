using System.Text.Json.Nodes;
using SpeBot.Host.Teams;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>Issue 19 point 12: <c>home</c> in the personal chat is Teams' App Home: one card with my proposals, my claims, the top items.</summary>
public sealed class HomeCardTests : TeamsHost
{
    private static IEnumerable<string> Texts(JsonNode card) =>
        card["body"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "TextBlock").Select(b => b!["text"]!.GetValue<string>());

    private static List<JsonObject> Buttons(JsonNode card) =>
        card["body"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "ActionSet")
            .SelectMany(b => b!["actions"]!.AsArray()).Select(x => x!.AsObject()).ToList();

    [Fact]
    public async Task HomeInThePersonalChatIsOneCardWithMyProposalsMyClaimsAndTopItemsWithButtons()
    {
        var (itemId, _) = await ProposeAsync("Rotate keys");
        await CommandAsync("propose Cut CI time", "1700000000002");
        await CommandAsync("claim SPE-2", "1700000000003");

        await SendAsync(ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "home", "1700000000501"));
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith("/activities/1700000000501", StringComparison.Ordinal)), what: "home card");

        var reply = Bot.Calls.Single(c => c.Path.EndsWith("/activities/1700000000501", StringComparison.Ordinal));
        Assert.Equal($"/v3/conversations/{ActivityBuilder.Personal}/activities/1700000000501", reply.Path);
        var attachment = Assert.Single(reply.Body["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        var card = attachment["content"]!;
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        var texts = Texts(card).ToList();
        var mine = texts.IndexOf("My open proposals");
        var claims = texts.IndexOf("My claims");
        var top = texts.IndexOf("Top open items");
        Assert.True(mine >= 0 && mine < claims && claims < top, string.Join(" | ", texts));
        Assert.Contains("**SPE-1** Rotate keys", texts[mine..claims]);
        Assert.Contains("**SPE-2** Cut CI time", texts[claims..top]);
        Assert.Contains("**SPE-1** Rotate keys", texts[top..]);
        Assert.Contains(texts, t => t.Contains("0 votes", StringComparison.Ordinal));

        var buttons = Buttons(card);
        Assert.All(buttons, b => Assert.Equal("Action.Execute", b["type"]!.GetValue<string>()));
        Assert.All(buttons, b => Assert.Equal(TeamsHome.View, b["data"]!["view"]!.GetValue<string>()));
        var forSpe1 = buttons.Where(b => b["data"]!["itemId"]!.GetValue<string>() == itemId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Select(b => b["verb"]!.GetValue<string>()).Distinct().ToList();
        Assert.Equal([TeamsRenderer.DetailsVerb, TeamsRenderer.ClaimVerb, TeamsRenderer.VoteVerb], forSpe1);
        // SPE-2 is claimed already: no Claim button for it.
        var claimed = Query<long>("SELECT id FROM items WHERE title = 'Cut CI time'").Single().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(buttons, b => b["data"]!["itemId"]!.GetValue<string>() == claimed);
        Assert.DoesNotContain(buttons, b => b["verb"]!.GetValue<string>() == TeamsRenderer.ClaimVerb && b["data"]!["itemId"]!.GetValue<string>() == claimed);

        // Vote from the home card: the answer is the home card again, with the vote counted.
        var vote = ActivityBuilder.CardAction(Bot.ServiceUrl, TeamsRenderer.VoteVerb, itemId, reply.Body["id"]?.GetValue<string>() ?? "home", "inv-home-1");
        vote["conversation"]!["id"] = ActivityBuilder.Personal;
        vote["conversation"]!["conversationType"] = "personal";
        vote["value"]!["action"]!["data"]!["view"] = TeamsHome.View;
        var answer = await InvokeAsync(vote);

        Assert.Equal("application/vnd.microsoft.card.adaptive", answer["type"]!.GetValue<string>());
        var refreshed = Texts(answer["value"]!).ToList();
        Assert.Contains("My open proposals", refreshed);
        Assert.Contains(refreshed, t => t.Contains("1 vote ·", StringComparison.Ordinal));
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
    }

    [Fact]
    public async Task HomeInAChannelPointsToThePersonalChatInsteadOfShowingSomeonesClaimsToEveryone()
    {
        await CommandAsync("home", "1700000000601");

        var reply = Bot.Calls.Single(c => c.Path.EndsWith("/activities/1700000000601", StringComparison.Ordinal));
        Assert.Null(reply.Body["attachments"]);
        Assert.Contains("personal chat with SpeBot", reply.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}

/// <summary>The home card's size budget, built from items directly.</summary>
public sealed class HomeCardSizeTests
{
    [Fact]
    public void HomeCardStaysWithinTheCardBudgetEvenWithTheLongestEscapedTitles()
    {
        var renderer = new TeamsRenderer(new SpeBot.Core.Text.MessageCatalog(), new TeamsPeople());
        var home = new TeamsHome(renderer, null!, null!);
        List<SpeBot.Core.ItemView> Items(int from) => [.. Enumerable.Range(from, TeamsHome.PerSection).Select(n => new SpeBot.Core.ItemView(new SpeBot.Core.Items.Item
        {
            Id = n, Number = n, Title = new string('&', 150), AuthorId = "11111111-2222-3333-4444-555555555555", Category = "security", Status = "proposed", Votes = n,
        }, 1.5))];

        var card = home.Card(Items(1), Items(100), Items(200), "en");

        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(BotJson.Serialize(card)), 1, AdaptiveCards.MaxCardBytes);
        Assert.Contains(card["body"]!.AsArray(), b => b!["text"]?.GetValue<string>() == "**SPE-1** " + string.Concat(Enumerable.Repeat("&amp;", 150)));
        Assert.Contains(card["body"]!.AsArray(), b => b!["text"]?.GetValue<string>() == "Top open items");
    }
}
