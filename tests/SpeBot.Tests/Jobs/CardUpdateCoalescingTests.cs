using System.Net;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Jobs;

/// <summary>A burst of votes on one card becomes one or two chat.update calls that show the final tally.</summary>
public sealed class CardUpdateCoalescingTests(SlackHostFixture host) : IClassFixture<SlackHostFixture>
{
    [Fact]
    public async Task BurstOfTenVotesIsCoalescedIntoAFewUpdatesEndingAtTen()
    {
        var card = await SlackScenario.ProposeCardAsync(host.Client, host.Db, "Patch the bastion hosts");
        // A burst: all ten at once, as a channel reacting together would send them.
        var responses = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => host.Client.SendAsync(SignedSlackRequest.Reaction(
            $"EvBurst{i}", $"U6{i:D2}", "+1", card.Channel, card.Ts, eventTs: $"1700000500.{i:D6}"))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(10, host.Db.Votes(card.ItemId));

        IReadOnlyList<SlackCall> Updates() => host.Slack.CallsTo("chat.update");
        await SpeBotFactory.WaitUntilAsync(() => Updates().Count > 0 && Updates()[^1].Body["text"]!.GetValue<string>().Contains("10 votes")
                                                  && host.Db.PendingOutbox() == 0, what: "final card update");

        // Coalesced: far fewer edits than votes (a very slow machine may split the burst across one more debounce).
        Assert.InRange(Updates().Count, 1, 3);
        var last = Updates()[^1].Body;
        Assert.Equal(card.Ts, last["ts"]!.GetValue<string>());
        Assert.Equal(card.Channel, last["channel"]!.GetValue<string>());
        Assert.Contains(SlackJsonAssert.Strings(last["blocks"]), s => s.Contains("10 votes", StringComparison.Ordinal));
    }
}
