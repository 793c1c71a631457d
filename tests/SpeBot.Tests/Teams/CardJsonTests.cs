using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Text;
using SpeBot.Host.Teams;

namespace SpeBot.Tests.Teams;

/// <summary>The item card's exact Adaptive Card 1.5 JSON (golden), and its size budget.</summary>
public sealed class CardJsonTests
{
    private static readonly TeamsRenderer Renderer = new(new MessageCatalog(), new TeamsPeople());

    private static ItemView View(string title = "Rotate <certs> & keys", string? detail = null) => new(new Item
    {
        Id = 7, Number = 3, Title = title, Detail = detail, AuthorId = "11111111-2222-3333-4444-555555555555", Category = "security",
        Status = "proposed", Votes = 2, Impact = 4,
    }, 2.5);

    [Fact]
    public void ItemCardMatchesTheGoldenJson()
    {
        const string golden = """
            {"type":"AdaptiveCard","$schema":"http://adaptivecards.io/schemas/adaptive-card.json","version":"1.5","body":[
            {"type":"TextBlock","text":"SPE-3 Rotate &lt;certs&gt; &amp; keys","wrap":true,"weight":"Bolder","size":"Medium"},
            {"type":"TextBlock","text":"Security · Proposed · proposed by <at>11111111-2222-3333-4444-555555555555</at>","wrap":true,"isSubtle":true},
            {"type":"TextBlock","text":"Score **2.5** · 2 votes · impact 4 · effort –","wrap":true},
            {"type":"TextBlock","text":"React with 👍 or use Vote to vote.","wrap":true,"size":"Small","isSubtle":true}],
            "actions":[
            {"type":"Action.Execute","title":"👍 Vote","verb":"spe.vote","data":{"itemId":"7"},"style":"positive"},
            {"type":"Action.Execute","title":"Claim","verb":"spe.claim","data":{"itemId":"7"}},
            {"type":"Action.Execute","title":"Details","verb":"spe.details","data":{"itemId":"7"}}],
            "msteams":{"width":"Full","entities":[{"type":"mention","text":"<at>11111111-2222-3333-4444-555555555555</at>",
            "mentioned":{"id":"11111111-2222-3333-4444-555555555555","name":"11111111-2222-3333-4444-555555555555"}}]}}
            """;
        var actual = BotJson.Serialize(Renderer.ItemCard(View(), "en"));
        Assert.Equal(JsonNode.Parse(golden)!.ToJsonString(), JsonNode.Parse(actual)!.ToJsonString());
    }

    [Fact]
    public void LongestPossibleCardStaysUnderTheTeamsCardBudget()
    {
        var card = BotJson.Serialize(Renderer.ItemCard(View(new string('<', 150), new string('&', 3000)), "ja"));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(card) <= AdaptiveCards.MaxCardBytes, $"{card.Length} chars");
    }
}
