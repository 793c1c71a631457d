using System.Net;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>messageReaction on an item card is a vote; added and removed apply once, whatever Teams retries.</summary>
public sealed class ReactionTests : TeamsHost
{
    private long Votes(long itemId) => Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single();

    [Fact]
    public async Task LikeAddedAndRemovedAppliesOnceUnderRetries()
    {
        var (itemId, cardId) = await ProposeAsync("Cut CI minutes");
        var added = ActivityBuilder.Reaction(Bot.ServiceUrl, cardId, "like", true, "f:r1", timestamp: "2026-11-29T10:01:00.000Z");
        var responses = await Task.WhenAll(SendAsync(added), SendAsync(added), SendAsync(added));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, Votes(itemId));

        var removed = ActivityBuilder.Reaction(Bot.ServiceUrl, cardId, "like", false, "f:r2", timestamp: "2026-11-29T10:02:00.000Z");
        await SendAsync(removed);
        await SendAsync(removed);
        Assert.Equal(0, Votes(itemId));

        // A late retry of the add (same activity id) cannot bring the vote back.
        await SendAsync(added);
        Assert.Equal(0, Votes(itemId));
        Assert.Equal(2, Query<long>("SELECT COUNT(*) FROM item_events WHERE item_id = @itemId AND action IN ('voted', 'unvoted')", new { itemId }).Single());
    }

    [Fact]
    public async Task OnlyConfiguredReactionTypesCountAndManyPeopleCountOnceEach()
    {
        var (itemId, cardId) = await ProposeAsync("Drop dead feature flags");
        var sends = new List<Task<HttpResponseMessage>>();
        for (var u = 0; u < 5; u++)
        {
            var aad = $"00000000-0000-0000-0000-00000000000{u}";
            sends.Add(SendAsync(ActivityBuilder.Reaction(Bot.ServiceUrl, cardId, "like", true, $"f:a{u}", aad)));
            sends.Add(SendAsync(ActivityBuilder.Reaction(Bot.ServiceUrl, cardId, "heart", true, $"f:h{u}", aad)));
        }
        await Task.WhenAll(sends);
        Assert.Equal(5, Votes(itemId));
        await SpeBotFactory.WaitUntilAsync(() => Bot.CallsTo("PUT", "/v3/conversations/").Any(c => c.Text.Contains("5 votes")), what: "card shows 5 votes");
    }

    [Fact]
    public async Task ReactionOnAMessageThatIsNotACardChangesNothing()
    {
        await ProposeAsync("Something");
        await SendAsync(ActivityBuilder.Reaction(Bot.ServiceUrl, "424242", "like", true, "f:n1"));
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes").Single());
    }
}
