using System.Net;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Jobs;

/// <summary>A burst of votes on one card becomes one or two chat.update calls that show the final tally.</summary>
public sealed class CardUpdateCoalescingTests(SlackHostFixture host) : IClassFixture<SlackHostFixture>
{
    [Fact]
    public async Task BurstOfTenVotesIsCoalescedIntoAtMostTwoUpdatesShowingTen()
    {
        var card = await SlackScenario.ProposeCardAsync(host.Client, host.Db, "Patch the bastion hosts");
        for (var i = 1; i <= 10; i++)
        {
            var response = await host.Client.SendAsync(SignedSlackRequest.Reaction($"EvBurst{i}", $"U6{i:D2}", "+1", card.Channel, card.Ts,
                eventTs: $"1700000500.{i:D6}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(10, host.Db.Votes(card.ItemId));

        IReadOnlyList<SlackCall> Updates() => host.Slack.CallsTo("chat.update");
        await SpeBotFactory.WaitUntilAsync(() => Updates().Count > 0 && Updates()[^1].Body["text"]!.GetValue<string>().Contains("10 votes")
                                                  && host.Db.PendingOutbox() == 0, what: "final card update");

        Assert.InRange(Updates().Count, 1, 2);
        var last = Updates()[^1].Body;
        Assert.Equal(card.Ts, last["ts"]!.GetValue<string>());
        Assert.Equal(card.Channel, last["channel"]!.GetValue<string>());
        Assert.Contains(SlackJsonAssert.Strings(last["blocks"]), s => s.Contains("10 votes", StringComparison.Ordinal));
    }
}
