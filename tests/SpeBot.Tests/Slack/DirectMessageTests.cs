using System.Net;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>
/// A message to the bot in its Messages tab (message.im, https://docs.slack.dev/reference/events/message.im) is a
/// command answered in the same DM; the bot's own posts, edits and other subtypes are not, and a retry counts once.
/// </summary>
public sealed class DirectMessageTests : SlackHost
{
    private const string Dm = "D0DM111";

    private static HttpRequestMessage Message(string eventId, string text, string user = "U111", string channelType = "im",
        string? subtype = null, string? botId = null, string channel = Dm)
    {
        var request = SignedSlackRequest.Json(new Dictionary<string, object?>
        {
            ["type"] = "event_callback", ["team_id"] = "T1", ["api_app_id"] = "A1", ["event_id"] = eventId, ["event_time"] = 1_700_000_000,
            ["event"] = new Dictionary<string, object?>
            {
                ["type"] = "message", ["channel"] = channel, ["channel_type"] = channelType, ["user"] = user, ["text"] = text,
                ["ts"] = "1700000500.000100", ["event_ts"] = "1700000500.000100", ["subtype"] = subtype, ["bot_id"] = botId,
            },
        });
        return request;
    }

    private IReadOnlyList<SlackCall> PostsToDm() => Slack.CallsTo("chat.postMessage").Where(c => c.Body["channel"]?.GetValue<string>() == Dm).ToList();

    [Fact]
    public async Task HelpInTheMessagesTabIsAnsweredInTheDm()
    {
        var response = await SendAsync(Message("EvDm1", "help"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await SpeBotFactory.WaitUntilAsync(() => PostsToDm().Count == 1, what: "DM answer");
        Assert.Contains("/spe help", PostsToDm()[0].Text);
        Assert.Empty(Slack.CallsTo("chat.postEphemeral"));
    }

    [Fact]
    public async Task ProposeInTheDmMakesTheItemAndSaysSoThere()
    {
        await SendAsync(Message("EvDm2", "propose Rotate the staging certs"));

        await SpeBotFactory.WaitUntilAsync(() => PostsToDm().Any(c => c.Text.Contains("Proposed SPE-1", StringComparison.Ordinal)), what: "DM answer");
        Assert.Equal("Rotate the staging certs", Query<string>("SELECT title FROM items").Single());
    }

    [Fact]
    public async Task TheBotsOwnMessagesEditsAndOtherSubtypesAreNotCommands()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Message("EvDmBot", "propose from the bot", botId: "B0BOT"))).StatusCode);
        await SendAsync(Message("EvDmSelf", "propose from the bot user", user: "UBOT"));
        await SendAsync(Message("EvDmEdit", "propose an edit", subtype: "message_changed"));
        await SendAsync(Message("EvDmDel", "propose a deletion", subtype: "message_deleted"));
        await SendAsync(Message("EvDmChan", "propose in a channel", channelType: "channel", channel: "C100"));
        // Each was decided before its 200; a real command after them is the only one answered.
        await SendAsync(Message("EvDmReal", "propose The real one"));

        await SpeBotFactory.WaitUntilAsync(() => PostsToDm().Any(c => c.Text.Contains("Proposed SPE-1", StringComparison.Ordinal)), what: "DM answer");
        Assert.Equal("The real one", Query<string>("SELECT title FROM items").Single());
    }

    [Fact]
    public async Task ARetriedDmIsAppliedOnce()
    {
        var first = Message("EvDmRetry", "propose Trim the logs");
        var retry = Message("EvDmRetry", "propose Trim the logs");
        retry.Headers.Add("X-Slack-Retry-Num", "1");
        retry.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        await SendAsync(first);
        await SendAsync(retry);
        await SendAsync(Message("EvDmAfter", "help"));

        await SpeBotFactory.WaitUntilAsync(() => PostsToDm().Any(c => c.Text.Contains("/spe help", StringComparison.Ordinal)), what: "help answer");
        await SpeBotFactory.WaitUntilAsync(() => PostsToDm().Any(c => c.Text.Contains("Proposed SPE-1", StringComparison.Ordinal)), what: "DM answer");
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM items").Single());
        Assert.Single(PostsToDm(), c => c.Body["text"]!.GetValue<string>().StartsWith("Proposed SPE-1", StringComparison.Ordinal));
    }
}
