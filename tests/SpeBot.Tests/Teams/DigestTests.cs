using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>The channel digest on Teams: one Adaptive Card posted as its own thread, replaced in place on a re-run.</summary>
public sealed class DigestTests : TeamsHost
{
    private async Task CommandAsync(string text, string id)
    {
        await SendAsync(ActivityBuilder.ChannelMention(Bot.ServiceUrl, text, id));
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith($"/activities/{id}", StringComparison.Ordinal)), what: $"reply to {text}");
    }

    private List<ConnectorCall> DigestPosts() =>
        Bot.CallsTo("POST", "/v3/conversations").Where(c => c.Path == "/v3/conversations" && c.Text.Contains("SPE digest", StringComparison.Ordinal)).ToList();

    private static string CardText(ConnectorCall call, string? path = null)
    {
        var card = (path is null ? call.Body["activity"] : call.Body)!["attachments"]![0]!["content"]!;
        return string.Join("\n", card["body"]!.AsArray().Select(b => b!["text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task DigestIsOneCardWithCountsRecognitionAndEscapedUserTextPostedAsANewThread()
    {
        // Teams sends user text HTML-escaped; stored unescaped, it must come back escaped so it stays text.
        await ProposeAsync("&lt;at&gt;Everyone&lt;/at&gt; rotate &lt;script&gt; keys");
        await CommandAsync("propose Cut CI time", "1700000000002");
        await CommandAsync("done SPE-2 &lt;b&gt;p95&lt;/b&gt; 14 → 8 min &amp; more", "1700000000003");

        await CommandAsync("digest now", "1700000000004");
        await SpeBotFactory.WaitUntilAsync(() => DigestPosts().Count == 1, what: "digest card");

        var post = DigestPosts().Single();
        Assert.Equal(ActivityBuilder.Channel, post.Body["channelData"]!["channel"]!["id"]!.GetValue<string>());
        var attachment = post.Body["activity"]!["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        var card = attachment["content"]!.AsObject();
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        Assert.Null(card["actions"]);
        var text = CardText(post);
        Assert.StartsWith("SPE digest ", text, StringComparison.Ordinal);
        Assert.Equal("Bolder", card["body"]![0]!["weight"]!.GetValue<string>());
        Assert.Contains("**1** open · **2** new · **1** done · **1** waiting for triage · **0** stale claims · **0** stuck", text);
        Assert.Contains("Done this period: thank you!", text);
        Assert.Contains("- SPE-2 Cut CI time, done by <at>Aiko Tanaka</at>. Evidence: &lt;b&gt;p95&lt;/b&gt; 14 → 8 min &amp; more", text);
        Assert.Contains("Waiting for triage\n- SPE-1 &lt;at&gt;Everyone&lt;/at&gt; rotate &lt;script&gt; keys · score", text);
        Assert.DoesNotContain("<script>", text);
        Assert.DoesNotContain("<at>Everyone", text);
        Assert.DoesNotContain("*Top open items*", text); // Slack's mrkdwn headings are not reused on Teams
        Assert.Equal(ActivityBuilder.UserAad, card["msteams"]!["entities"]![0]!["mentioned"]!["id"]!.GetValue<string>());

        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'digest'").Single() == 1, what: "digest recorded");
        var recorded = Query<(string MessageId, string RefId)>("SELECT message_id AS MessageId, ref_id AS RefId FROM posted_messages WHERE kind = 'digest'").Single();
        Assert.True(long.TryParse(recorded.MessageId, out _)); // the thread root the Connector returned, which edits address
        Assert.StartsWith($"manual:{ActivityBuilder.Channel}:", recorded.RefId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunningTheDigestAgainInThePeriodReplacesTheSameCard()
    {
        await ProposeAsync("Cut CI time");
        await CommandAsync("digest now", "1700000000002");
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'digest'").Single() == 1, what: "digest");
        var id = Query<string>("SELECT message_id FROM posted_messages WHERE kind = 'digest'").Single();

        await CommandAsync("propose Drop Python 3.8", "1700000000003");
        await CommandAsync("digest now", "1700000000004");
        var editPath = $"/v3/conversations/{ActivityBuilder.Channel}/activities/{id}";
        await SpeBotFactory.WaitUntilAsync(() => Bot.CallsTo("PUT", editPath).Any(c => c.Text.Contains("SPE digest", StringComparison.Ordinal)), what: "digest edit");

        Assert.Single(DigestPosts());
        var edit = Bot.CallsTo("PUT", editPath).Single(c => c.Text.Contains("SPE digest", StringComparison.Ordinal));
        Assert.Equal(id, edit.Body["id"]!.GetValue<string>());
        Assert.Contains("**2** open · **2** new", CardText(edit, editPath));
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'digest'").Single());
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'digest'").Single());
    }
}
