using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

public sealed class HandoffTests : SlackHost
{
    private static object Click(string actionId, string value, string user, string channel) => new
    {
        type = "block_actions", team = new { id = "T1" }, user = new { id = user, team_id = "T1" }, trigger_id = "trig-h",
        response_url = "https://hooks.slack.com/actions/T1/1/x", channel = new { id = channel },
        container = new { type = "message", channel_id = channel, message_ts = "1.1" },
        actions = new[] { new { action_id = actionId, value, type = "button" } },
    };

    [Fact]
    public async Task HandoffSummarisesNotesToilQuestionsAndTouchedItemsAndDmsTheIncomingPersonWithAck()
    {
        Assert.Contains("<@U111> is on call from now", TextOf(await CommandAsync("oncall <@U111>")));
        Assert.Contains("Noted as toil", TextOf(await CommandAsync("note Restarted the flaky <!channel> runner again #toil")));
        Assert.Contains("Noted for the next handoff", TextOf(await CommandAsync("note Who owns the cert renewal?")));
        await CommandAsync("note Paged twice for disk");
        await ProposeAsync("Fix disk alerts");

        Assert.Contains("<@U222> takes over", TextOf(await CommandAsync("handoff <@U222>", channel: "C300")));
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "U222"), what: "DM");
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("On-call handoff", StringComparison.Ordinal)), what: "summary");

        var summary = Slack.CallsTo("chat.postMessage").Single(c => c.Text.Contains("On-call handoff", StringComparison.Ordinal));
        Assert.Equal("C300", summary.Body["channel"]!.GetValue<string>());
        Assert.Contains("<@U111> → <@U222>", summary.Text);
        Assert.Contains("TL;DR: 3 notes · 1 toil · 1 open question · 1 item touched", summary.Text);
        Assert.Contains("\"action_id\":\"spe_handoff_propose\"", summary.Text);
        Assert.True(summary.Text.Contains("Open questions*\\n• <@U111>: Who owns the cert renewal?", StringComparison.Ordinal), summary.Text);
        Assert.Contains("SPE-1 Fix disk alerts", summary.Text);
        Assert.DoesNotContain("<!channel>", summary.Text);
        var dm = Slack.CallsTo("chat.postMessage").Single(c => c.Body["channel"]?.GetValue<string>() == "U222");
        Assert.Contains("taking over from <@U111>", dm.Text);
        Assert.Contains("\"action_id\":\"spe_handoff_ack\"", dm.Text);
        Assert.Contains("U222", Query<string>("SELECT user_id FROM oncall_shifts ORDER BY id DESC LIMIT 1").Single());

        var noteId = Query<long>("SELECT id FROM shift_notes WHERE is_toil = 1").Single().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync(SignedSlackRequest.Interaction(Click("spe_handoff_propose", noteId, "U333", "C300")));
        var modal = Assert.Single(Slack.CallsTo("views.open"));
        Assert.Contains("\"initial_value\":\"Restarted the flaky", modal.Text);
        Assert.Contains("runner again\"", modal.Text); // the title drops the #toil tag
        Assert.Contains("\"initial_option\":{\"text\":{\"type\":\"plain_text\",\"text\":\"Toil\"", modal.Text);

        var handoff = Query<long>("SELECT id FROM handoffs").Single().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync(SignedSlackRequest.Interaction(Click("spe_handoff_ack", handoff, "U222", "U222")));
        Assert.NotNull(Query<string?>("SELECT acked_at FROM handoffs").Single());
    }

    [Fact]
    public async Task AShiftWithoutNotesIsCalledAQuietShift()
    {
        await CommandAsync("oncall <@U111>");
        await CommandAsync("handoff <@U222>");
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("On-call handoff", StringComparison.Ordinal)), what: "summary");

        var summary = Slack.CallsTo("chat.postMessage").Single(c => c.Text.Contains("On-call handoff", StringComparison.Ordinal));
        Assert.Contains("Quiet shift: no notes were recorded.", summary.Text);
        Assert.DoesNotContain("TL;DR", summary.Text);
    }

    [Fact]
    public async Task ALongListShowsItsFirstLinesAndHowManyMoreWhileTheTldrCountsThemAll()
    {
        await CommandAsync("oncall <@U111>");
        await CommandAsync("note Busy shift");
        for (var n = 1; n <= 12; n++) await ProposeAsync($"Shift item {n}");

        await CommandAsync("handoff <@U222>", channel: "C300");
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("On-call handoff", StringComparison.Ordinal)), what: "summary");

        var summary = Slack.CallsTo("chat.postMessage").Single(c => c.Text.Contains("On-call handoff", StringComparison.Ordinal));
        Assert.Contains("12 items touched", summary.Text);
        Assert.Contains("SPE-10 Shift item 10 (Proposed)\\n• …and 2 more\"", summary.Text);
        Assert.DoesNotContain("SPE-11 ", summary.Text);
    }

    [Fact]
    public async Task OncallWithoutAPersonSaysWhoIsOnCall()
    {
        Assert.Contains("Nobody is on call yet", TextOf(await CommandAsync("oncall")));
        await CommandAsync("oncall <@U111>");
        Assert.Contains("<@U111> is on call since", TextOf(await CommandAsync("oncall")));
        Assert.Contains("/spe oncall", TextOf(await CommandAsync("oncall someone")));
    }
}
