using System.Net;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

public sealed class VoteTests : SlackHost
{
    [Fact]
    public async Task FloodOfReactionsAndRetriesFromManyUsersCountsOneVotePerPerson()
    {
        var (itemId, ts) = await ProposeAsync("Cut CI minutes");
        var requests = new List<HttpRequestMessage>();
        for (var u = 0; u < 20; u++)
        {
            foreach (var emoji in new[] { "+1", "thumbsup", "arrow_up" })
            {
                var id = $"Ev{u}-{emoji}";
                var eventTs = $"1700000200.{u:D3}{emoji.Length:D3}";
                requests.Add(SignedSlackRequest.Reaction(id, $"U5{u:D2}", emoji, "C100", ts, eventTs: eventTs));
                requests.Add(SignedSlackRequest.Reaction(id, $"U5{u:D2}", emoji, "C100", ts, eventTs: eventTs));
                requests.Add(SignedSlackRequest.Reaction(id + "-dup", $"U5{u:D2}", emoji, "C100", ts, eventTs: eventTs));
            }
        }
        requests.Add(SignedSlackRequest.Reaction("EvBot", "UBOT", "+1", "C100", ts));
        requests.Add(SignedSlackRequest.Reaction("EvOther", "U777", "tada", "C100", ts));
        var responses = await Task.WhenAll(requests.Select(SendAsync));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        Assert.Equal(20, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes WHERE voter_id IN ('UBOT', 'U777')").Single());
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.update").Any(c => c.Text.Contains("20 votes")), what: "card shows 20 votes");
        // Coalesced: a handful of edits for 20 vote changes, never one per reaction.
        Assert.InRange(Slack.CallsTo("chat.update").Count, 1, 6);
    }

    [Fact]
    public async Task OneVoteOnTheCardReadsInTheSingular()
    {
        var (_, ts) = await ProposeAsync("Trim log retention");
        await SendAsync(SignedSlackRequest.Reaction("E20", "U620", "+1", "C100", ts, eventTs: "1700000310.000001"));

        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.update").Any(c => System.Text.RegularExpressions.Regex.IsMatch(c.Text, @"\b1 vote\b")),
            what: "card shows 1 vote");
        Assert.DoesNotContain(Slack.CallsTo("chat.update"), c => c.Text.Contains("1 votes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RemovingOneOfTwoVoteReactionsKeepsTheVoteAndRemovingBothRetractsIt()
    {
        var (itemId, ts) = await ProposeAsync("Upgrade PostgreSQL 13");
        await SendAsync(SignedSlackRequest.Reaction("E1", "U600", "+1", "C100", ts, eventTs: "1700000300.000001"));
        await SendAsync(SignedSlackRequest.Reaction("E2", "U600", "arrow_up", "C100", ts, eventTs: "1700000300.000002"));
        await SendAsync(SignedSlackRequest.Reaction("E3", "U600", "+1", "C100", ts, added: false, eventTs: "1700000300.000003"));
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
        await SendAsync(SignedSlackRequest.Reaction("E4", "U600", "arrow_up", "C100", ts, added: false, eventTs: "1700000300.000004"));
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
    }

    [Fact]
    public async Task VoteButtonTogglesTheSameVoteAsTheReaction()
    {
        var (itemId, ts) = await ProposeAsync("Delete unused S3 buckets");
        await SendAsync(SignedSlackRequest.Reaction("E10", "U700", "thumbsup", "C100", ts));
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());

        await SendAsync(SignedSlackRequest.Interaction(Click("spe_vote", itemId, ts, "U700")));
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
        await SendAsync(SignedSlackRequest.Interaction(Click("spe_vote", itemId, ts, "U700")));
        await SendAsync(SignedSlackRequest.Interaction(Click("spe_vote", itemId, ts, "U701")));
        Assert.Equal(2, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.update").Any(c => c.Text.Contains("2 votes")), what: "card shows 2 votes");
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postEphemeral").Count >= 3, what: "vote confirmations");
    }

    [Fact]
    public async Task ButtonOnAnotherWorkspacesItemDoesNothing()
    {
        var (itemId, ts) = await ProposeAsync("Rotate keys");
        var click = Click("spe_vote", itemId, ts, "U800", team: "T-OTHER");
        await SendAsync(SignedSlackRequest.Interaction(click));
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes").Single());
    }

    internal static object Click(string actionId, long itemId, string ts, string user, string team = "T1") => new
    {
        type = "block_actions", team = new { id = team }, user = new { id = user, team_id = team }, trigger_id = "trig-b",
        response_url = "https://hooks.slack.com/actions/T1/1/x", channel = new { id = "C100" },
        container = new { type = "message", channel_id = "C100", message_ts = ts },
        actions = new[] { new { action_id = actionId, value = itemId.ToString(System.Globalization.CultureInfo.InvariantCulture), type = "button" } },
    };
}
