using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

public sealed class DigestTests : SlackHost
{
    [Fact]
    public async Task DigestIsOneCompactMessageWithDetailsAndRecognitionInItsThread()
    {
        await ProposeAsync("Cut CI time");
        await ProposeAsync("Rotate <!channel> keys", user: "U222");
        await CommandAsync("done SPE-1 p95 build time 14 → 8 min");

        Assert.Contains("digest is on its way", TextOf(await CommandAsync("digest now")));
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Count(c => c.Body["thread_ts"] is not null) == 1, what: "digest thread");

        var posts = Slack.CallsTo("chat.postMessage").Where(c => c.Text.Contains("SPE digest", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, posts.Count);
        var main = posts.Single(p => p.Body["thread_ts"] is null);
        var thread = posts.Single(p => p.Body["thread_ts"] is not null);
        Assert.Contains("*1* open · *2* new · *1* done · *1* waiting for triage", main.Text);
        Assert.Contains("Details are in the thread", main.Text);
        Assert.Contains("SPE-1 Cut CI time, done by <@U111>. Evidence: p95 build time 14 → 8 min", thread.Text);
        Assert.Contains("Waiting for triage", thread.Text);
        // User text is escaped: a captured broadcast cannot ping the channel.
        Assert.Contains("SPE-2 Rotate", thread.Text);
        Assert.DoesNotContain("<!channel>", thread.Text);
    }

    [Fact]
    public async Task RunningTheDigestAgainInThePeriodEditsTheSameMessages()
    {
        await ProposeAsync("Cut CI time");
        await CommandAsync("digest now");
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages WHERE kind IN ('digest', 'digest_thread')").Single() == 2, what: "digest");
        var posted = Slack.CallsTo("chat.postMessage").Count;

        await ProposeAsync("Drop Python 3.8");
        var afterCard = Slack.CallsTo("chat.postMessage").Count;
        await CommandAsync("digest now");
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.update").Count(c => c.Text.Contains("SPE digest", StringComparison.Ordinal)) == 2, what: "digest edit");

        Assert.Equal(posted + 1, afterCard);
        Assert.Equal(afterCard, Slack.CallsTo("chat.postMessage").Count);
        var ts = Query<string>("SELECT message_id FROM posted_messages WHERE kind = 'digest'").Single();
        var edit = Slack.CallsTo("chat.update").First(c => c.Body["ts"]?.GetValue<string>() == ts);
        Assert.Contains("*2* open · *2* new", edit.Text);
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'digest'").Single());
    }
}
