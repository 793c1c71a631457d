using System.Globalization;
using System.Text.Json.Nodes;
using SpeBot.Core.Retro;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>Retro polls on Teams: one Adaptive Card with Action.Execute per option, edited in place as votes come and when it closes.</summary>
public sealed class PollCardTests : TeamsHost
{
    private const string VoterA = "aaaaaaaa-1111-4111-8111-111111111111";
    private const string VoterB = "bbbbbbbb-2222-4222-8222-222222222222";

    private async Task CommandAsync(string text, string id)
    {
        await SendAsync(ActivityBuilder.ChannelMention(Bot.ServiceUrl, text, id));
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith($"/activities/{id}", StringComparison.Ordinal)), what: $"reply to {text}");
    }

    /// <summary>SPE-1 done, SPE-2 and SPE-3 open; returns the poll id and the poll card's activity id.</summary>
    private async Task<(long PollId, string ActivityId)> OpenPollAsync(string command)
    {
        await ProposeAsync("Cut CI time");
        await CommandAsync("propose Rotate &lt;script&gt; keys", "1700000000002");
        await CommandAsync("propose Drop Python 3.8", "1700000000003");
        await CommandAsync("done SPE-1 p95 14 → 8 min", "1700000000004");
        await CommandAsync(command, "1700000000005");
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'poll'").Single() == 1, what: "poll posted");
        return (Query<long>("SELECT id FROM polls").Single(), Query<string>("SELECT message_id FROM posted_messages WHERE kind = 'poll'").Single());
    }

    private long ItemId(int number) => Query<long>("SELECT id FROM items WHERE number = @number", new { number }).Single();

    private JsonObject Vote(long poll, string question, long option, string id, string voter) =>
        Vote(poll.ToString(CultureInfo.InvariantCulture), question, option.ToString(CultureInfo.InvariantCulture), id, voter);

    private JsonObject Vote(string poll, string question, string option, string id, string voter)
    {
        var a = ActivityBuilder.Base("invoke", Bot.ServiceUrl, ActivityBuilder.Channel, id, voter);
        a["name"] = "adaptiveCard/action";
        a["value"] = new JsonObject
        {
            ["action"] = new JsonObject
            {
                ["type"] = "Action.Execute", ["verb"] = "retro_vote",
                ["data"] = new JsonObject { ["poll"] = poll, ["question"] = question, ["option"] = option },
            },
            ["trigger"] = "manual",
        };
        return a;
    }

    private List<ConnectorCall> PollPosts() =>
        Bot.CallsTo("POST", "/v3/conversations").Where(c => c.Path == "/v3/conversations" && c.Text.Contains("Retro poll", StringComparison.Ordinal)).ToList();

    private List<ConnectorCall> PollEdits(string activityId) =>
        Bot.CallsTo("PUT", $"/v3/conversations/{ActivityBuilder.Channel}/activities/{activityId}").ToList();

    private static string Texts(JsonNode card) =>
        string.Join("\n", card["body"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "TextBlock").Select(b => b!["text"]!.GetValue<string>()));

    private static List<JsonObject> Buttons(JsonNode card) =>
        card["body"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "ActionSet")
            .SelectMany(b => b!["actions"]!.AsArray()).Select(x => x!.AsObject()).ToList();

    private static string Raw(JsonNode node) =>
        node.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [Fact]
    public async Task OpenPollIsACardWithAVoteButtonPerOptionAndOnlyTheVoterCount()
    {
        var (poll, _) = await OpenPollAsync("retro 2h");

        var post = PollPosts().Single();
        Assert.Equal(ActivityBuilder.Channel, post.Body["channelData"]!["channel"]!["id"]!.GetValue<string>());
        var attachment = post.Body["activity"]!["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        var card = attachment["content"]!;
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        var text = Texts(card);
        Assert.StartsWith("Retro poll\n", text, StringComparison.Ordinal);
        Assert.Contains("Which done item mattered most?\n- SPE-1 Cut CI time", text);
        Assert.Contains("What next?\n- SPE-2 Rotate &lt;script&gt; keys\n- SPE-3 Drop Python 3.8", text);
        Assert.Contains("0 people have voted so far.", text);
        Assert.DoesNotContain("*Which", text); // Slack's mrkdwn headings are not reused
        Assert.DoesNotContain("<script>", Raw(card));
        Assert.DoesNotContain("votes", text.Replace("have voted", "", StringComparison.Ordinal), StringComparison.Ordinal);

        var buttons = Buttons(card);
        Assert.Equal(3, buttons.Count);
        Assert.All(buttons, b => Assert.Equal(("Action.Execute", "retro_vote"), (b["type"]!.GetValue<string>(), b["verb"]!.GetValue<string>())));
        var first = buttons[0];
        Assert.Equal("SPE-1 Cut CI time", first["title"]!.GetValue<string>());
        Assert.Equal(poll.ToString(CultureInfo.InvariantCulture), first["data"]!["poll"]!.GetValue<string>());
        Assert.Equal("done", first["data"]!["question"]!.GetValue<string>());
        Assert.Equal(ItemId(1).ToString(CultureInfo.InvariantCulture), first["data"]!["option"]!.GetValue<string>());
        Assert.Equal("next", buttons[2]["data"]!["question"]!.GetValue<string>());
    }

    [Fact]
    public async Task VoteInvokeCountsOnceUnderARetryAndTheSamePollCardIsEditedInPlace()
    {
        var (poll, activityId) = await OpenPollAsync("retro 2h");
        var click = Vote(poll, "next", ItemId(2), "f:vote-1", VoterA);

        var first = await InvokeAsync(click);
        var retry = await InvokeAsync(click);

        Assert.Equal(200, first["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", first["type"]!.GetValue<string>());
        Assert.Contains("1 person has voted so far.", Texts(first["value"]!));
        Assert.Contains("1 person has voted so far.", Texts(retry["value"]!));
        Assert.Equal([("next", ItemId(2).ToString(CultureInfo.InvariantCulture))],
            Query<(string, string)>("SELECT question, option_id FROM poll_votes WHERE voter_id = @VoterA", new { VoterA }));

        // A new click moves the vote; a late retry of the first click must not move it back.
        await InvokeAsync(Vote(poll, "next", ItemId(3), "f:vote-2", VoterA));
        await InvokeAsync(click);
        Assert.Equal(ItemId(3).ToString(CultureInfo.InvariantCulture),
            Query<string>("SELECT option_id FROM poll_votes WHERE voter_id = @VoterA", new { VoterA }).Single());

        await InvokeAsync(Vote(poll, "done", ItemId(1), "f:vote-3", VoterB));
        await SpeBotFactory.WaitUntilAsync(() => PollEdits(activityId).Any(c => c.Text.Contains("2 people have voted", StringComparison.Ordinal)), what: "tally edit");
        Assert.Single(PollPosts());
        var edit = PollEdits(activityId).Last();
        Assert.Equal(activityId, edit.Body["id"]!.GetValue<string>());
        Assert.Equal(3, Buttons(edit.Body["attachments"]![0]!["content"]!).Count);
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'poll'").Single());
    }

    [Fact]
    public async Task ClosedNamedPollShowsResultsWithVoterMentionsAndNoButtons()
    {
        var (poll, activityId) = await OpenPollAsync("retro 2h");
        await InvokeAsync(Vote(poll, "done", ItemId(1), "f:vote-1", VoterA));
        Assert.True(await Factory.Get<RetroPolls>().CloseAsync(poll));

        await SpeBotFactory.WaitUntilAsync(() => PollEdits(activityId).Any(c => c.Text.Contains("This poll closed", StringComparison.Ordinal)), what: "results");
        var card = PollEdits(activityId).Last(c => c.Text.Contains("This poll closed", StringComparison.Ordinal)).Body["attachments"]![0]!["content"]!;
        var text = Texts(card);
        Assert.Contains("- **SPE-1 Cut CI time: 1 vote, the top pick** · <at>Aiko Tanaka</at>", text);
        Assert.Contains("- SPE-2 Rotate &lt;script&gt; keys: 0 votes", text);
        Assert.Empty(Buttons(card));
        Assert.DoesNotContain("retro_vote", Raw(card));
        Assert.Equal(VoterA, card["msteams"]!["entities"]![0]!["mentioned"]!["id"]!.GetValue<string>());

        // A vote after the close is not counted; the answer is the results card.
        var late = await InvokeAsync(Vote(poll, "done", ItemId(1), "f:vote-9", VoterB));
        Assert.Contains("This poll closed", Texts(late["value"]!));
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM poll_votes").Single());
    }

    [Fact]
    public async Task AnonymousPollNeverShowsVoterIdsInAnyCardOrAnswer()
    {
        var (poll, activityId) = await OpenPollAsync("retro 1d anonymous");
        var answers = new List<JsonObject>
        {
            await InvokeAsync(Vote(poll, "done", ItemId(1), "f:vote-1", VoterA)),
            await InvokeAsync(Vote(poll, "done", ItemId(1), "f:vote-2", VoterB)),
        };
        Assert.True(await Factory.Get<RetroPolls>().CloseAsync(poll));
        await SpeBotFactory.WaitUntilAsync(() => PollEdits(activityId).Any(c => c.Text.Contains("This poll closed", StringComparison.Ordinal)), what: "results");
        answers.Add(await InvokeAsync(Vote(poll, "done", ItemId(1), "f:vote-3", VoterA)));

        Assert.Contains("database still records", PollPosts().Single().Text);
        var results = PollEdits(activityId).Last(c => c.Text.Contains("This poll closed", StringComparison.Ordinal));
        Assert.Contains("**SPE-1 Cut CI time: 2 votes, the top pick**", results.Text);
        Assert.DoesNotContain("<at>", Texts(results.Body["attachments"]![0]!["content"]!));
        Assert.All(Bot.Calls, c => Assert.DoesNotContain("aaaaaaaa", c.Text, StringComparison.Ordinal));
        Assert.All(Bot.Calls, c => Assert.DoesNotContain("bbbbbbbb", c.Text, StringComparison.Ordinal));
        Assert.All(answers, a => Assert.DoesNotContain("aaaaaaaa", Raw(a), StringComparison.Ordinal));
        Assert.All(answers, a => Assert.DoesNotContain("bbbbbbbb", Raw(a), StringComparison.Ordinal));
        Assert.Equal(2, Query<long>("SELECT COUNT(*) FROM poll_votes WHERE voter_id IN (@VoterA, @VoterB)", new { VoterA, VoterB }).Single());
    }

    [Fact]
    public async Task VoteForAPollOfAnotherWorkspaceOrWithBadDataIsRefusedWithAToast()
    {
        var (poll, _) = await OpenPollAsync("retro 2h");
        var bad = await InvokeAsync(Vote("x", "done", "1", "f:bad-1", VoterA));
        Assert.Equal("application/vnd.microsoft.activity.message", bad["type"]!.GetValue<string>());
        var wrongOption = await InvokeAsync(Vote(poll, "done", ItemId(2), "f:bad-2", VoterA));
        Assert.Contains("does not belong to an open poll", wrongOption["value"]!.GetValue<string>());
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM poll_votes").Single());
    }
}
