using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>
/// The same features over both Slack transports: the request URL (signed HTTP) and Socket Mode (envelopes acked on a
/// WebSocket). One dispatcher serves both, so each theory must pass unchanged on either.
/// </summary>
public sealed class SlackTransportTests
{
    public static TheoryData<string> Transports => ["http", "socket"];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ProposeAnswersAtOnceAndPostsTheCard(string transport)
    {
        await using var slack = await SlackTransport.StartAsync(transport);

        var ack = await slack.CommandAsync("propose Rotate the staging certs");

        Assert.Contains("Rotate the staging certs", ack?["text"]?.GetValue<string>() ?? ack?.ToJsonString());
        await SpeBotFactory.WaitUntilAsync(() => slack.Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("Rotate the staging certs")), what: "card");
        Assert.Equal("Rotate the staging certs", slack.Query<string>("SELECT title FROM items").Single());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ReactionOnTheCardCountsAsAVote(string transport)
    {
        await using var slack = await SlackTransport.StartAsync(transport);
        var (itemId, ts) = await ProposeAsync(slack, "Delete unused S3 buckets");

        await slack.EventAsync(ReactionEvent("Ev1", "U600", "+1", "C100", ts));

        Assert.Equal(1, slack.Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ModalSubmitWithoutATitleAnswersWithInlineErrors(string transport)
    {
        await using var slack = await SlackTransport.StartAsync(transport);

        var answer = await slack.InteractionAsync(CaptureTests.Submission("  "));

        Assert.Equal("errors", answer?["response_action"]?.GetValue<string>());
        Assert.NotNull(answer!["errors"]!["title"]);
        Assert.Equal(0, slack.Query<long>("SELECT COUNT(*) FROM items").Single());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task VoteButtonTogglesAVote(string transport)
    {
        await using var slack = await SlackTransport.StartAsync(transport);
        var (itemId, ts) = await ProposeAsync(slack, "Rotate keys");

        var answer = await slack.InteractionAsync(VoteTests.Click("spe_vote", itemId, ts, "U700"));

        Assert.Null(answer);
        Assert.Equal(1, slack.Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task GlobalShortcutOpensTheProposalForm(string transport)
    {
        await using var slack = await SlackTransport.StartAsync(transport);

        var answer = await slack.InteractionAsync(new
        {
            type = "shortcut", callback_id = "spe_propose_global", trigger_id = "trig-g",
            team = new { id = "T1" }, user = new { id = "U222", team_id = "T1" },
        });

        Assert.Null(answer);
        var open = Assert.Single(slack.Slack.CallsTo("views.open"));
        Assert.Equal("trig-g", open.Body["trigger_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task BothTransportsGiveTheSameAnswerToTheSameCommand()
    {
        await using var http = await SlackTransport.StartAsync("http");
        await using var socket = await SlackTransport.StartAsync("socket");

        foreach (var text in new[] { "help", "list", "propose Rotate keys", "show #99" })
        {
            var overHttp = await http.CommandAsync(text);
            var overSocket = await socket.CommandAsync(text);
            Assert.True(JsonNode.DeepEquals(overHttp, overSocket), $"'{text}': {overHttp?.ToJsonString()} vs {overSocket?.ToJsonString()}");
        }
    }

    internal static async Task<(long ItemId, string CardTs)> ProposeAsync(SlackTransport slack, string title)
    {
        await slack.CommandAsync($"propose {title}");
        await SpeBotFactory.WaitUntilAsync(() => slack.Query<long>("SELECT COUNT(*) FROM posted_messages").Single() > 0, what: "card recorded");
        var row = slack.Query<(long ItemId, string MessageId)>("SELECT item_id AS ItemId, message_id AS MessageId FROM posted_messages LIMIT 1").Single();
        return (row.ItemId, row.MessageId);
    }

    internal static JsonObject ReactionEvent(string eventId, string user, string reaction, string channel, string ts) => new()
    {
        ["type"] = "event_callback", ["team_id"] = "T1", ["api_app_id"] = "A1", ["event_id"] = eventId, ["event_time"] = 1_700_000_000,
        ["event"] = new JsonObject
        {
            ["type"] = "reaction_added", ["user"] = user, ["reaction"] = reaction, ["item_user"] = "U999",
            ["item"] = new JsonObject { ["type"] = "message", ["channel"] = channel, ["ts"] = ts }, ["event_ts"] = "1700000300.000001",
        },
    };
}
