using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>The on-call handoff summary on Teams: a read-only card in the channel (the Ack DM is in DirectCardTests).</summary>
public sealed class HandoffTests : TeamsHost
{

    [Fact]
    public async Task HandoffSummaryIsAReadOnlyCardInTheChannelWithEscapedNotes()
    {
        await CommandAsync("oncall <at>Ken</at>", "1700000000001", mentionKen: true);
        await CommandAsync("note Restarted the flaky &lt;script&gt; runner again #toil", "1700000000002");
        await CommandAsync("note Who owns the cert renewal?", "1700000000003");
        await CommandAsync("handoff <at>Ken</at>", "1700000000004", mentionKen: true);
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path == "/v3/conversations" && c.Text.Contains("On-call handoff", StringComparison.Ordinal)), what: "summary");

        var post = Bot.Calls.Single(c => c.Path == "/v3/conversations" && c.Text.Contains("On-call handoff", StringComparison.Ordinal));
        Assert.Equal(ActivityBuilder.Channel, post.Body["channelData"]!["channel"]!["id"]!.GetValue<string>());
        var card = post.Body["activity"]!["attachments"]![0]!["content"]!.AsObject();
        Assert.Null(card["actions"]);
        var text = string.Join("\n", card["body"]!.AsArray().Select(b => b!["text"]!.GetValue<string>()));
        Assert.StartsWith("On-call handoff: ", text, StringComparison.Ordinal);
        Assert.Contains("TL;DR: 2 notes · 1 toil · 1 open question ·", text);
        Assert.Contains("Toil seen: each can become an SPE proposal (type `propose <title>`)", text);
        Assert.Contains("Restarted the flaky &lt;script&gt; runner again", text);
        Assert.Contains("Open questions\n- ", text);
        Assert.DoesNotContain("<script>", text);
        Assert.Contains(" → <at>", text);
        Assert.DoesNotContain("*", text.Replace("`", "", StringComparison.Ordinal)); // no Slack mrkdwn on Teams
        Assert.Equal(KenAad, card["msteams"]!["entities"]![0]!["mentioned"]!["id"]!.GetValue<string>());
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'handoff'").Single() == 1, what: "recorded");
    }

    [Fact]
    public async Task ALongListShowsItsFirstLinesAndHowManyMoreWhileTheTldrCountsThemAll()
    {
        await CommandAsync("oncall <at>Ken</at>", "1700000000001", mentionKen: true);
        await CommandAsync("note Busy shift", "1700000000002");
        for (var n = 1; n <= 12; n++) await ProposeAsync($"Shift item {n}", $"17000000001{n:D2}");
        await CommandAsync("handoff <at>Ken</at>", "1700000000004", mentionKen: true);
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path == "/v3/conversations" && c.Text.Contains("On-call handoff", StringComparison.Ordinal)), what: "summary");

        var post = Bot.Calls.Single(c => c.Path == "/v3/conversations" && c.Text.Contains("On-call handoff", StringComparison.Ordinal));
        var text = string.Join("\n", post.Body["activity"]!["attachments"]![0]!["content"]!["body"]!.AsArray().Select(b => b!["text"]!.GetValue<string>()));
        Assert.Contains("12 items touched", text);
        Assert.Contains("- SPE-10 Shift item 10 (Proposed)\n- …and 2 more", text);
        Assert.DoesNotContain("SPE-11 ", text);
    }
}
