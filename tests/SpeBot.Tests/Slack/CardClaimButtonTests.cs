using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Text;
using SpeBot.Host.Slack;
using SpeBot.Host.Teams;

namespace SpeBot.Tests.Slack;

/// <summary>
/// An item card offers Claim only while the item is open: a done, declined or duplicate item cannot be claimed until it
/// is reopened, so the button would only answer "not now". On both platforms.
/// </summary>
public sealed class CardClaimButtonTests
{
    private static readonly SlackRenderer Slack = new(new MessageCatalog(), Options.Create(new SpeBotOptions()));
    private static readonly TeamsRenderer Teams = new(new MessageCatalog(), new TeamsPeople());

    private static ItemView View(string status) => new(new Item
    {
        Id = 7, Number = 3, Title = "Rotate the keys", AuthorId = "U1", Category = "security", Status = status,
        ClaimedBy = status is "in_progress" or "done" ? "U2" : null, DoneBy = status == "done" ? "U2" : null,
    }, 1);

    private static List<string> SlackButtons(string status) =>
        [.. Slack.ItemCard(View(status), "en").Blocks.OfType<JsonObject>().Where(b => (string?)b["type"] == "actions")
            .SelectMany(b => b["elements"]!.AsArray()).Select(e => (string)e!["action_id"]!)];

    private static List<string> TeamsVerbs(string status) =>
        [.. Teams.ItemCard(View(status), "en")["actions"]!.AsArray().Select(a => (string)a!["verb"]!)];

    [Theory]
    [InlineData("proposed")]
    [InlineData("accepted")]
    [InlineData("in_progress")]
    public void AnOpenItemsCardOffersClaim(string status)
    {
        Assert.Contains(SlackRenderer.ClaimAction, SlackButtons(status));
        Assert.Contains(TeamsRenderer.ClaimVerb, TeamsVerbs(status));
    }

    [Theory]
    [InlineData("done")]
    [InlineData("declined")]
    [InlineData("duplicate")]
    public void AClosedItemsCardHasNoClaimButVoteAndDetails(string status)
    {
        Assert.Equal([SlackRenderer.VoteAction, SlackRenderer.DetailsAction, SlackRenderer.MoreAction], SlackButtons(status));
        Assert.Equal([TeamsRenderer.VoteVerb, TeamsRenderer.DetailsVerb], TeamsVerbs(status));
    }
}
