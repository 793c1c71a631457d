using System.Net;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>Reaction events are applied once and in order, by (channel, ts, user, reaction) and the newest event_ts.</summary>
public sealed class ReactionEventTests(SlackHostFixture host) : IClassFixture<SlackHostFixture>
{
    private async Task ReactAsync(string eventId, string user, PostedCard card, string eventTs, bool added = true, string reaction = "+1",
        int? retryNum = null)
    {
        var request = SignedSlackRequest.Reaction(eventId, user, reaction, card.Channel, card.Ts, added, eventTs: eventTs);
        if (retryNum is { } n)
        {
            request.Headers.Add("X-Slack-Retry-Num", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }
        var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RetriedAndRedeliveredReactionCountsAsOneVote()
    {
        var card = await SlackScenario.ProposeCardAsync(host.Client, host.Db, "Rotate the B2 filters");
        const string eventTs = "1700000100.000100";

        await ReactAsync("EvDup1", "U201", card, eventTs);
        await ReactAsync("EvDup1", "U201", card, eventTs, retryNum: 1);
        await ReactAsync("EvDup1", "U201", card, eventTs, retryNum: 2);
        // Slack sometimes redelivers the same reaction under a new event_id and without retry headers.
        await ReactAsync("EvDup2", "U201", card, eventTs);

        Assert.Equal(1, host.Db.Votes(card.ItemId));
        Assert.Equal(1, host.Db.Scalar<long>("SELECT COUNT(*) FROM item_events WHERE item_id = @id AND action = 'voted'", new { id = card.ItemId }));
        // Deduplicated by the reaction's own key and event_ts, so no inbox row per emoji.
        Assert.Equal(0, host.Db.Scalar<long>("SELECT COUNT(*) FROM inbox WHERE event_key IN ('EvDup1', 'EvDup2')"));
    }

    [Fact]
    public async Task RetryOfAnAddAfterItsRemovalDoesNotBringTheVoteBack()
    {
        var card = await SlackScenario.ProposeCardAsync(host.Client, host.Db, "Drop the legacy metrics agent");
        await ReactAsync("EvBackAdd", "U601", card, "1700000400.000100");
        await ReactAsync("EvBackRemove", "U601", card, "1700000400.000200", added: false);

        await ReactAsync("EvBackAdd", "U601", card, "1700000400.000100", retryNum: 1);

        Assert.Equal(0, host.Db.Votes(card.ItemId));
        Assert.Equal(2, host.Db.Scalar<long>("SELECT COUNT(*) FROM item_events WHERE item_id = @id AND action IN ('voted', 'unvoted')", new { id = card.ItemId }));
    }

    [Fact]
    public async Task ConcurrentDuplicateDeliveriesCountAsOneVote()
    {
        var card = await SlackScenario.ProposeCardAsync(host.Client, host.Db, "Rebuild the CI runners");
        var deliveries = Enumerable.Range(0, 6).Select(i => ReactAsync(i % 2 == 0 ? "EvRaceA" : "EvRaceB", "U202", card, "1700000100.000200",
            retryNum: i < 2 ? null : i));
        await Task.WhenAll(deliveries);
        Assert.Equal(1, host.Db.Votes(card.ItemId));
    }

    [Fact]
    public async Task TwoPeopleReactingGiveTwoVotes()
    {
        var card = await SlackScenario.ProposeCardAsync(host.Client, host.Db, "Prune the old runbooks");
        await ReactAsync("EvTwoA", "U301", card, "1700000100.000001");
        await ReactAsync("EvTwoB", "U302", card, "1700000100.000001", reaction: "thumbsup");
        Assert.Equal(2, host.Db.Votes(card.ItemId));
    }

    [Fact]
    public async Task ReactionByTheBotItselfIsIgnored()
    {
        var card = await SlackScenario.ProposeCardAsync(host.Client, host.Db, "Retire the legacy cron box");
        await ReactAsync("EvBot1", "UBOT", card, "1700000100.000300");
        Assert.Equal(0, host.Db.Votes(card.ItemId));
        Assert.Equal(0, host.Db.Scalar<long>("SELECT COUNT(*) FROM reaction_states WHERE user_id = 'UBOT'"));
    }

    [Fact]
    public async Task RemovalOlderThanTheAddDoesNotUndoTheVote()
    {
        var card = await SlackScenario.ProposeCardAsync(host.Client, host.Db, "Upgrade the TLS ciphers");
        await ReactAsync("EvOrderAdd", "U401", card, "1700000200.000200");
        await ReactAsync("EvOrderOldRemove", "U401", card, "1700000100.000100", added: false);
        Assert.Equal(1, host.Db.Votes(card.ItemId));

        // A removal that really is newer does withdraw it, so the line above proves ordering, not a dead path.
        await ReactAsync("EvOrderNewRemove", "U401", card, "1700000300.000300", added: false);
        Assert.Equal(0, host.Db.Votes(card.ItemId));
    }

    [Fact]
    public async Task ReactionThatIsNotAVoteEmojiAddsNoVote()
    {
        var card = await SlackScenario.ProposeCardAsync(host.Client, host.Db, "Tidy the alert routes");
        await ReactAsync("EvParty", "U501", card, "1700000100.000500", reaction: "tada");
        Assert.Equal(0, host.Db.Votes(card.ItemId));
        Assert.Equal(1, host.Db.Scalar<long>("SELECT COUNT(*) FROM reaction_states WHERE user_id = 'U501'"));
    }

    [Fact]
    public async Task ReactionOnAnOrdinaryMessageStoresNothing()
    {
        var ordinary = new PostedCard { ItemId = 0, Channel = "C100", Ts = "1700000500.000100" };

        await ReactAsync("EvPlain1", "U701", ordinary, "1700000500.000200");
        await ReactAsync("EvPlain2", "U701", ordinary, "1700000500.000300", reaction: "tada");
        await ReactAsync("EvPlain3", "U701", ordinary, "1700000500.000400", added: false);

        Assert.Equal(0, host.Db.Scalar<long>("SELECT COUNT(*) FROM reaction_states WHERE message_id = '1700000500.000100'"));
        Assert.Equal(0, host.Db.Scalar<long>("SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'capture:%1700000500.000100'"));
    }
}
