using System.Globalization;
using SpeBot.Core.Retro;
using SpeBot.Tests.Support;
using SpeBot.Core.Schedules;

namespace SpeBot.Tests.Slack;

public sealed class RetroPollTests : SlackHost
{
    private async Task<(long PollId, long DoneId, long OpenId)> OpenPollAsync(string command)
    {
        var (done, _) = await ProposeAsync("Cut CI time");
        var (open, _) = await ProposeAsync("Rotate keys", user: "U222");
        await CommandAsync("done SPE-1 p95 build 14 → 8 min");
        Assert.Contains("retro poll is on its way", TextOf(await CommandAsync(command)));
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'poll'").Single() == 1, what: "poll posted");
        return (Query<long>("SELECT id FROM polls").Single(), done, open);
    }

    private object Vote(long poll, string question, long option, string user) => new
    {
        type = "block_actions", team = new { id = "T1" }, user = new { id = user, team_id = "T1" }, trigger_id = "trig-v",
        response_url = Slack.ResponseUrl(), channel = new { id = "C100" },
        container = new { type = "message", channel_id = "C100", message_ts = "1.1" },
        actions = new[] { new { action_id = "retro_vote", value = $"{poll}:{question}:{option.ToString(CultureInfo.InvariantCulture)}", type = "button" } },
    };

    [Fact]
    public async Task OpenPollShowsButtonsAndHowManyVotedButNoResultsUntilItClosesThenResultsAndRecognition()
    {
        var (poll, done, open) = await OpenPollAsync("retro 2h");
        var post = Slack.CallsTo("chat.postMessage").Single(c => c.Text.Contains("Retro poll", StringComparison.Ordinal));
        Assert.Contains($"\"action_id\":\"retro_vote_0\",\"value\":\"{poll}:done:{done}\"", post.Text);
        Assert.Contains($"\"value\":\"{poll}:next:{open}\"", post.Text);

        await SendAsync(SignedSlackRequest.Interaction(Vote(poll, "done", done, "U301")));
        await SendAsync(SignedSlackRequest.Interaction(Vote(poll, "done", done, "U302")));
        await SendAsync(SignedSlackRequest.Interaction(Vote(poll, "next", open, "U302")));
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.update").Any(c => c.Text.Contains("2 people have voted", StringComparison.Ordinal)), what: "tally");
        var tally = Slack.CallsTo("chat.update").Last(c => c.Text.Contains("Retro poll", StringComparison.Ordinal));
        Assert.DoesNotContain("votes", tally.Text.Replace("have voted", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("U301", tally.Text, StringComparison.Ordinal);

        Assert.True(await Factory.Get<RetroPolls>().CloseAsync(poll));
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("Retro result", StringComparison.Ordinal)), what: "recognition");
        var results = Slack.CallsTo("chat.update").Last(c => c.Text.Contains("Retro poll", StringComparison.Ordinal));
        Assert.Contains("SPE-1 Cut CI time: 2 votes, the top pick", results.Text);
        Assert.Contains("<@U301> <@U302>", results.Text);
        Assert.DoesNotContain("retro_vote", results.Text);
        var recognition = Slack.CallsTo("chat.postMessage").Single(c => c.Text.Contains("Retro result", StringComparison.Ordinal));
        Assert.Contains("SPE-1 Cut CI time", recognition.Text);
        Assert.Contains("Thank you, <@U111>!", recognition.Text);
    }

    [Fact]
    public async Task AnonymousPollNeverShowsVoterIdsAndSaysTheDatabaseStillRecordsThem()
    {
        var (poll, done, _) = await OpenPollAsync("retro 1d anonymous");
        await SendAsync(SignedSlackRequest.Interaction(Vote(poll, "done", done, "U401")));
        await SendAsync(SignedSlackRequest.Interaction(Vote(poll, "done", done, "U402")));
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.update").Any(c => c.Text.Contains("2 people have voted", StringComparison.Ordinal)), what: "tally");
        await Factory.Get<RetroPolls>().CloseAsync(poll);
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("Retro result", StringComparison.Ordinal)), what: "recognition");
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("response_url").Count >= 2, what: "vote confirmations");

        Assert.Contains("database still records", Slack.CallsTo("chat.postMessage").Single(c => c.Text.Contains("Retro poll", StringComparison.Ordinal)).Text);
        Assert.Contains("2 votes, the top pick", Slack.CallsTo("chat.update").Last(c => c.Text.Contains("Retro poll", StringComparison.Ordinal)).Text);
        Assert.All(Slack.Calls, c => Assert.DoesNotContain("U40", c.Text, StringComparison.Ordinal));
        // The vote is still recorded, as the poll says.
        Assert.Equal(2, Query<long>("SELECT COUNT(*) FROM poll_votes WHERE voter_id IN ('U401', 'U402')").Single());
    }

    [Fact]
    public async Task QuartzOneOffTriggerClosesThePollAtItsTime()
    {
        var (poll, _, _) = await OpenPollAsync("retro 1d");
        await Factory.Get<IDueTimers>().ScheduleAsync(DueKinds.PollClose, poll, DateTimeOffset.UtcNow.AddMilliseconds(200), default);

        await SpeBotFactory.WaitUntilAsync(() => Query<string?>("SELECT closed_at FROM polls").Single() is not null, what: "poll closed by Quartz");
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.update").Any(c => c.Text.Contains("This poll closed", StringComparison.Ordinal)), what: "results");
    }
}
