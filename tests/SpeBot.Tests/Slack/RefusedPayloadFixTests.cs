using System.Globalization;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;
using SpeBot.Host.Slack;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>
/// Issue #13's findings, each driven through the strict double: what real Slack refused (repeated action_ids), the
/// Home button that did nothing, raw text on poll buttons, and capture of a thread reply.
/// </summary>
public sealed class RefusedPayloadFixTests : SlackHost
{
    // Nudges go out only in working hours; these tests must not depend on the hour they run at.
    protected override Dictionary<string, string?>? Settings => new()
    {
        ["Schedules:WorkdayStartHour"] = "0", ["Schedules:WorkdayEndHour"] = "24",
        ["Schedules:WorkDays:0"] = "Sunday", ["Schedules:WorkDays:1"] = "Monday", ["Schedules:WorkDays:2"] = "Tuesday",
        ["Schedules:WorkDays:3"] = "Wednesday", ["Schedules:WorkDays:4"] = "Thursday", ["Schedules:WorkDays:5"] = "Friday",
        ["Schedules:WorkDays:6"] = "Saturday",
    };

    private static string[] ActionIds(JsonNode block) =>
        block["elements"]!.AsArray().Select(e => e!["action_id"]!.GetValue<string>()).ToArray();

    private static IEnumerable<JsonNode> ActionBlocks(SlackCall call) =>
        call.Body["blocks"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "actions")!;

    private object Click(string actionId, string value, string user = "U111", string channel = "D111") => new
    {
        type = "block_actions", team = new { id = "T1" }, user = new { id = user, team_id = "T1" }, trigger_id = "trig-c",
        response_url = Slack.ResponseUrl(), channel = new { id = channel },
        container = new { type = "message", channel_id = channel, message_ts = "1.1" },
        actions = new[] { new { action_id = actionId, value, type = "button" } },
    };

    private async Task<long> NudgeAsync(params long[] itemIds)
    {
        var workspace = await Factory.Get<WorkspaceStore>().EnsureAsync(Platform.Slack, "T1");
        await Factory.Get<OutboxStore>().EnqueueAloneAsync(Factory.Get<Database>(), new OutboundMessage(Platform.Slack, workspace.Id, "U111",
            OutboxKinds.Nudge, new OutboundBody { UserId = "U111", Args = new() { ["items"] = string.Join(',', itemIds) } }, $"nudge:{Guid.NewGuid():N}"));
        Factory.Get<OutboxSignal>().Notify();
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Any(c => c.Body["channel"]?.GetValue<string>() == "U111"), what: "nudge DM");
        return workspace.Id;
    }

    [Fact]
    public async Task NudgeButtonsHaveOneActionIdEachAndSlackTakesTheDm()
    {
        var (first, _) = await ProposeAsync("Rotate keys");
        var (second, _) = await ProposeAsync("Trim logs");
        await CommandAsync("claim SPE-1");
        await CommandAsync("claim SPE-2");
        await NudgeAsync(first, second);

        var dm = Slack.CallsTo("chat.postMessage").Single(c => c.Body["channel"]?.GetValue<string>() == "U111");
        var blocks = ActionBlocks(dm).ToList();
        Assert.Equal(2, blocks.Count);
        Assert.All(blocks, b => Assert.Equal(["spe_nudge_update", "spe_nudge_release", "spe_nudge_done"], ActionIds(b)));
        Assert.Equal($"release:{second}", blocks[1]["elements"]![1]!["value"]!.GetValue<string>());
        Assert.Null(BlockKitRules.Check("chat.postMessage", dm.Body));
        Assert.Empty(Slack.Rejections);
    }

    [Fact]
    public async Task NudgeClicksWorkWithTheNewIdsAndTheOldOneFromDmsAlreadyPosted()
    {
        var (first, _) = await ProposeAsync("Rotate keys");
        var (second, _) = await ProposeAsync("Trim logs");
        await CommandAsync("claim SPE-1");
        await CommandAsync("claim SPE-2");

        await SendAsync(SignedSlackRequest.Interaction(Click(SlackNudge.ReleaseAction, $"release:{first}")));
        await SendAsync(SignedSlackRequest.Interaction(Click(SlackNudge.LegacyAction, $"release:{second}")));

        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM items WHERE claimed_by IS NULL").Single() == 2, what: "both released");
    }

    private async Task<(long Poll, long[] Done)> PollWithThreeChoicesAsync(string firstTitle = "Cut CI time")
    {
        var done = new List<long>();
        foreach (var title in new[] { firstTitle, "Rotate keys", "Trim logs" }) done.Add((await ProposeAsync(title)).ItemId);
        for (var n = 1; n <= 3; n++) await CommandAsync($"done SPE-{n} done");
        await CommandAsync("retro 2h");
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'poll'").Single() == 1, what: "poll posted");
        return (Query<long>("SELECT id FROM polls").Single(), done.ToArray());
    }

    [Fact]
    public async Task RetroChoiceButtonsHaveOneActionIdEachInThePostAndInEveryTally()
    {
        var (poll, done) = await PollWithThreeChoicesAsync();
        var post = Slack.CallsTo("chat.postMessage").Single(c => c.Text.Contains("Retro poll", StringComparison.Ordinal));
        var doneBlock = ActionBlocks(post).Single(b => b["elements"]![0]!["value"]!.GetValue<string>().Contains(":done:", StringComparison.Ordinal));
        Assert.Equal(["retro_vote_0", "retro_vote_1", "retro_vote_2"], ActionIds(doneBlock));
        Assert.Equal($"{poll}:done:{done[1]}", doneBlock["elements"]![1]!["value"]!.GetValue<string>());

        await SendAsync(SignedSlackRequest.Interaction(Click("retro_vote_1", $"{poll}:done:{done[1]}", "U301", "C100")));
        // A poll posted before the change still carries the single id; its clicks still count.
        await SendAsync(SignedSlackRequest.Interaction(Click("retro_vote", $"{poll}:done:{done[2]}", "U302", "C100")));
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM poll_votes").Single() == 2, what: "two votes");
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.update").Any(c => c.Text.Contains("2 people have voted", StringComparison.Ordinal)), what: "tally");

        var tally = Slack.CallsTo("chat.update").Last(c => c.Text.Contains("Retro poll", StringComparison.Ordinal));
        Assert.All(ActionBlocks(tally), b => Assert.Equal(ActionIds(b).Distinct().Count(), ActionIds(b).Length));
        Assert.Empty(Slack.Rejections);
    }

    [Fact]
    public async Task RetroButtonLabelsShowWhatPeopleTypedCutToSeventyFiveCharacters()
    {
        // Slash-command text arrives in wire form: the typed "&", "<" and ">" come entity-encoded.
        var typed = "Fix a & b <tag> @here " + new string('x', 100);
        var (_, done) = await PollWithThreeChoicesAsync(typed.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal));
        var post = Slack.CallsTo("chat.postMessage").Single(c => c.Text.Contains("Retro poll", StringComparison.Ordinal));
        var button = ActionBlocks(post).SelectMany(b => b["elements"]!.AsArray())
            .First(e => e!["value"]!.GetValue<string>().EndsWith($":{done[0]}", StringComparison.Ordinal))!;

        Assert.Equal("plain_text", button["text"]!["type"]!.GetValue<string>());
        var label = button["text"]!["text"]!.GetValue<string>();
        Assert.Equal(75, label.Length);
        Assert.Equal(("SPE-1 " + typed)[..74] + "…", label);
        Assert.DoesNotContain("&amp;", label, StringComparison.Ordinal);
        Assert.DoesNotContain("&lt;", label, StringComparison.Ordinal);
    }

    private object HomeClick(string actionId, string value, string viewType) => new
    {
        type = "block_actions", team = new { id = "T1" }, user = new { id = "U111", team_id = "T1" }, trigger_id = "trig-home",
        api_app_id = "A1", container = new { type = "view", view_id = "V1" },
        view = new { id = "V1", type = viewType, callback_id = "", hash = "h1" },
        actions = new[] { new { action_id = actionId, block_id = "b1", value, type = "button" } },
    };

    [Fact]
    public async Task DetailsFromTheHomeTabOpensAModalWithTheItem()
    {
        var (id, _) = await ProposeAsync("Rotate the staging certs");
        var response = await SendAsync(SignedSlackRequest.Interaction(HomeClick(SlackRenderer.DetailsAction, id.ToString(CultureInfo.InvariantCulture), "home")));
        response.EnsureSuccessStatusCode();

        var open = Assert.Single(Slack.CallsTo("views.open"));
        Assert.Equal("trig-home", open.Body["trigger_id"]!.GetValue<string>());
        Assert.Equal("modal", open.Body["view"]!["type"]!.GetValue<string>());
        Assert.Contains("SPE-1", open.Text);
        Assert.Contains("Rotate the staging certs", open.Text);
        Assert.Empty(Slack.CallsTo("response_url"));
        Assert.Empty(Slack.Rejections);
    }

    [Fact]
    public async Task DetailsFromAModalPushesTheNextOne()
    {
        var (id, _) = await ProposeAsync("Rotate the staging certs");
        await SendAsync(SignedSlackRequest.Interaction(HomeClick(SlackRenderer.DetailsAction, id.ToString(CultureInfo.InvariantCulture), "modal")));

        var push = Assert.Single(Slack.CallsTo("views.push"));
        Assert.Contains("Rotate the staging certs", push.Text);
        Assert.Empty(Slack.CallsTo("views.open"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CaptureOfAThreadReplyTakesTheReplyWhicheverShapeSlackAnswersWith(bool parentFirst)
    {
        Slack.RepliesParentFirst = parentFirst;
        Slack.AddMessage("C200", "1700000002.000100", "Parent: weekly sync notes", "U900");
        Slack.AddThreadReply("C200", "1700000002.000100", "1700000002.000300", "Rotate the staging certs\nThey expire soon", "U999");

        await SendAsync(SignedSlackRequest.Reaction("EvThread1", "U301", "bulb", "C200", "1700000002.000300"));
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM items").Single() == 1, what: "captured item");

        var item = Query<(string Title, string SourceMessageId, string SourceAuthorId)>(
            "SELECT title AS Title, source_message_id AS SourceMessageId, source_author_id AS SourceAuthorId FROM items").Single();
        Assert.Equal(("Rotate the staging certs", "1700000002.000300", "U999"), item);
    }

    [Fact]
    public async Task MessageLookupPinsTheRangeToTheAskedTsAndLeavesRoomForTheParent()
    {
        // With limit=1 and the parent first, only the parent would come back; pinned to the ts with room for two, the reply is there.
        Slack.AddMessage("C200", "1700000002.000100", "Parent", "U900");
        Slack.AddThreadReply("C200", "1700000002.000100", "1700000002.000300", "Reply", "U999");
        var api = Factory.Get<SlackWebApi>();
        Assert.Equal("Reply", (await api.MessageAsync("C200", "1700000002.000300"))?.Text);
        var call = Slack.CallsTo("conversations.replies").Single();
        Assert.Equal("1700000002.000300", call.Body["oldest"]!.GetValue<string>());
        Assert.Equal("2", call.Body["limit"]!.GetValue<string>());
    }
}
