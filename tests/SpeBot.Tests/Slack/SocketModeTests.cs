using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using SpeBot.Host.Slack;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>Socket Mode against a loopback Slack (<see cref="FakeSlackSocket"/>): the link itself, every envelope kind, every disconnect reason.</summary>
public sealed class SocketModeTests
{
    private static Task<SlackTransport> StartAsync(Dictionary<string, string?>? settings = null) => SlackTransport.StartAsync("socket", settings);

    private static async Task<JsonNode> HealthAsync(SlackTransport slack) => JsonNode.Parse(await slack.Client.GetStringAsync("/healthz"))!;

    private static async Task<HealthStatus> ReadinessAsync(SlackTransport slack) =>
        (await slack.Factory.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"))).Status;

    [Fact]
    public async Task OpensWithTheAppTokenInTheHeaderOnlyAndReportsTheSocketOnHealthz()
    {
        await using var slack = await StartAsync();

        var open = Assert.Single(slack.Slack.CallsTo("apps.connections.open"));
        Assert.Equal($"Bearer {SlackTransport.AppToken}", open.Authorization);
        Assert.DoesNotContain("xapp", open.Text);
        var health = await HealthAsync(slack);
        Assert.Equal("socket", health["platforms"]!["slackTransport"]!.GetValue<string>());
        Assert.True(health["platforms"]!["slackSocket"]!["connected"]!.GetValue<bool>());
        Assert.Equal(1, health["platforms"]!["slackSocket"]!["open"]!.GetValue<int>());
        Assert.Equal(HealthStatus.Healthy, await ReadinessAsync(slack));
    }

    [Fact]
    public async Task HttpTransportIsReportedAsHttpWithNoSocket()
    {
        await using var slack = await SlackTransport.StartAsync("http");

        var health = await HealthAsync(slack);

        Assert.Equal("http", health["platforms"]!["slackTransport"]!.GetValue<string>());
        Assert.Null(health["platforms"]!["slackSocket"]);
        Assert.Empty(slack.Slack.CallsTo("apps.connections.open"));
        Assert.Equal(HealthStatus.Healthy, await ReadinessAsync(slack));
    }

    [Fact]
    public async Task SlashCommandIsAckedByEnvelopeIdWithTheReplyAsPayload()
    {
        await using var slack = await StartAsync();
        var envelope = FakeSlackSocket.Envelope("slash_commands", Command("help"), acceptsResponsePayload: true, envelopeId: "env-cmd-1");

        var ack = await slack.Current.RoundTripAsync(envelope);

        Assert.Equal("env-cmd-1", ack["envelope_id"]!.GetValue<string>());
        Assert.Contains("propose", ack["payload"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task EnvelopeThatAcceptsNoPayloadGetsABareAckAndTheWorkStillHappens()
    {
        await using var slack = await StartAsync();
        var envelope = FakeSlackSocket.Envelope("slash_commands", Command("propose Patch the bastion"), acceptsResponsePayload: false);

        var ack = await slack.Current.RoundTripAsync(envelope);

        Assert.Equal([envelope["envelope_id"]!.GetValue<string>()], ack.Select(p => p.Value!.GetValue<string>()));
        await SpeBotFactory.WaitUntilAsync(() => slack.Query<string>("SELECT title FROM items").SingleOrDefault() == "Patch the bastion", what: "item");
    }

    [Fact]
    public async Task EventsApiEnvelopeIsAppliedAndAckedWithoutPayload()
    {
        await using var slack = await StartAsync();
        var (itemId, ts) = await SlackTransportTests.ProposeAsync(slack, "Delete unused S3 buckets");

        var ack = await slack.Current.RoundTripAsync(FakeSlackSocket.Envelope("events_api",
            SlackTransportTests.ReactionEvent("Ev7", "U600", "thumbsup", "C100", ts), acceptsResponsePayload: false));

        Assert.False(ack.ContainsKey("payload"));
        Assert.Equal(1, slack.Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
    }

    [Fact]
    public async Task ViewSubmissionWithErrorsAcksWithTheResponseAction()
    {
        await using var slack = await StartAsync();

        var ack = await slack.Current.RoundTripAsync(FakeSlackSocket.Envelope("interactive",
            System.Text.Json.JsonSerializer.SerializeToNode(CaptureTests.Submission("", impact: null))!, acceptsResponsePayload: true));

        Assert.Equal("errors", ack["payload"]!["response_action"]!.GetValue<string>());
        Assert.True(ack["payload"]!["errors"]!.AsObject().ContainsKey("title"));
    }

    [Fact]
    public async Task RedeliveredEventIsAckedAgainButAppliedOnce()
    {
        await using var slack = await StartAsync();
        var mention = new JsonObject
        {
            ["type"] = "event_callback", ["team_id"] = "T1", ["api_app_id"] = "A1", ["event_id"] = "EvMention1", ["event_time"] = 1_700_000_000,
            ["event"] = new JsonObject
            {
                ["type"] = "app_mention", ["user"] = "U111", ["channel"] = "C100", ["text"] = "<@UBOT> propose Renew the wildcard cert",
                ["ts"] = "1700000400.000100", ["event_ts"] = "1700000400.000100",
            },
        };
        await slack.EventAsync(mention);
        await SpeBotFactory.WaitUntilAsync(() => slack.Query<long>("SELECT COUNT(*) FROM items").Single() == 1, what: "item from the mention");

        // Slack redelivers with a new envelope id and retry_attempt/retry_reason, as it would resend over HTTP with X-Slack-Retry-Num.
        await slack.EventAsync(mention, retry: 1);

        Assert.Equal(1, slack.Query<long>("SELECT COUNT(*) FROM items").Single());
    }

    [Theory]
    [InlineData("refresh_requested")]
    [InlineData("warning")]
    public async Task DisconnectOpensTheNewSocketBeforeClosingTheOld(string reason)
    {
        await using var slack = await StartAsync();
        var first = await slack.Socket!.ConnectionAsync(1);

        await first.DisconnectAsync(reason);
        var second = await slack.Socket.ConnectionAsync(2);
        await first.Closed.WaitAsync(TimeSpan.FromSeconds(15));

        var timeline = slack.Socket.Timeline.ToList();
        Assert.True(timeline.IndexOf("hello 2") < timeline.IndexOf("closed-by-app 1"), string.Join(", ", timeline));
        Assert.DoesNotContain("dropped-by-slack 1", timeline);
        Assert.Equal(2, slack.Slack.CallsTo("apps.connections.open").Count);
        var ack = await second.RoundTripAsync(FakeSlackSocket.Envelope("slash_commands", Command("help"), acceptsResponsePayload: true));
        Assert.NotNull(ack["payload"]);
        await SpeBotFactory.WaitUntilAsync(() => slack.Factory.Get<SocketModeStatus>().Open == 1, what: "one socket open");
    }

    [Fact]
    public async Task EnvelopeArrivingOnTheOldSocketDuringARefreshIsHandledExactlyOnce()
    {
        await using var slack = await StartAsync();
        var (itemId, ts) = await SlackTransportTests.ProposeAsync(slack, "Renew the wildcard cert");
        var first = await slack.Socket!.ConnectionAsync(1);

        // Slack may deliver on the old socket until it is closed: the envelope is either acked there, or left unacked
        // and then redelivered on the new socket; either way it counts once and is acked.
        var envelope = FakeSlackSocket.Envelope("events_api", SlackTransportTests.ReactionEvent("EvRefresh", "U600", "+1", "C100", ts), false);
        await first.DisconnectAsync("refresh_requested");
        await first.SendAsync(envelope);

        var (on, ack) = await slack.Socket.AckedAnywhereAsync(first, envelope["envelope_id"]!.GetValue<string>());
        Assert.False(ack.ContainsKey("payload"));
        await slack.Socket.ConnectionAsync(2);
        await first.Closed.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(1, slack.Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
        Assert.Contains(on.Id, new[] { 1, 2 });
    }

    [Fact]
    public async Task LinkDisabledStopsAndReportsInsteadOfReconnecting()
    {
        await using var slack = await StartAsync();
        var first = await slack.Socket!.ConnectionAsync(1);

        await first.DisconnectAsync("link_disabled");
        await first.Closed.WaitAsync(TimeSpan.FromSeconds(15));
        // The fake sees the close before SpeBot has read the close's answer; wait for SpeBot's side too.
        var status = slack.Factory.Get<SocketModeStatus>();
        await SpeBotFactory.WaitUntilAsync(() => status.StoppedBecause is not null && !status.Connected, what: "stopped and closed");

        var health = await HealthAsync(slack);
        Assert.Equal("link_disabled", health["platforms"]!["slackSocket"]!["stoppedBecause"]!.GetValue<string>());
        Assert.False(health["platforms"]!["slackSocket"]!["connected"]!.GetValue<bool>());
        Assert.Equal(HealthStatus.Unhealthy, await ReadinessAsync(slack));
        Assert.Single(slack.Slack.CallsTo("apps.connections.open"));
        Assert.Single(slack.Socket.Connections);
    }

    [Fact]
    public async Task DroppedSocketIsReplacedAndServesAgain()
    {
        await using var slack = await StartAsync();
        var first = await slack.Socket!.ConnectionAsync(1);

        first.Drop();
        var second = await slack.Socket.ConnectionAsync(2);

        var ack = await second.RoundTripAsync(FakeSlackSocket.Envelope("slash_commands", Command("help"), acceptsResponsePayload: true));
        Assert.NotNull(ack["payload"]);
        Assert.Equal(2, slack.Slack.CallsTo("apps.connections.open").Count);
        Assert.Equal(0, slack.Socket.RefusedTickets);
    }

    [Fact]
    public async Task SilentSocketIsFoundByItsUnansweredPingsAndReplaced()
    {
        await using var slack = await StartAsync(new() { ["Slack:SocketPingMs"] = "200" });
        var first = await slack.Socket!.ConnectionAsync(1);

        first.GoSilent();

        var second = await slack.Socket.ConnectionAsync(2);
        await first.Closed.WaitAsync(TimeSpan.FromSeconds(15));
        var ack = await second.RoundTripAsync(FakeSlackSocket.Envelope("slash_commands", Command("help"), acceptsResponsePayload: true));
        Assert.NotNull(ack["payload"]);
    }

    [Fact]
    public async Task FailedOpenIsRetriedAfterABackoff()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        await using var socket = await FakeSlackSocket.StartAsync();
        slack.Script("apps.connections.open", SlackAnswer.Error("internal_error"));
        socket.ScriptOpens(slack);
        await using var factory = new SpeBotFactory(slack, new() { ["Slack:AppToken"] = SlackTransport.AppToken, ["Slack:SigningSecret"] = "" });
        factory.CreateClient();

        await socket.ConnectionAsync(1);

        var calls = slack.CallsTo("apps.connections.open");
        Assert.Equal(2, calls.Count);
        // At least half of the first step (less a little for timer and clock disagreeing); without backoff it is milliseconds.
        Assert.True(calls[1].At - calls[0].At >= SocketModeBackoff.First / 2 - TimeSpan.FromMilliseconds(50), "the retry waited for the backoff");
    }

    [Fact]
    public async Task RateLimitedOpenWaitsForRetryAfter()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        await using var socket = await FakeSlackSocket.StartAsync();
        slack.Script("apps.connections.open", SlackAnswer.RateLimited(2));
        socket.ScriptOpens(slack);
        await using var factory = new SpeBotFactory(slack, new() { ["Slack:AppToken"] = SlackTransport.AppToken, ["Slack:SigningSecret"] = "" });
        factory.CreateClient();

        await socket.ConnectionAsync(1);

        // Retry-After (2 s) is longer than the first backoff (at most 1 s), so it is what the retry waited for.
        var calls = slack.CallsTo("apps.connections.open");
        Assert.Equal(2, calls.Count);
        // 1.9 s, not 2: the timer and the wall clock the fake stamps calls with may disagree by a few milliseconds.
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(1.9), $"retried after {(calls[1].At - calls[0].At).TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task RefusedAppTokenStopsAndReportsWhy()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        slack.Script("apps.connections.open", SlackAnswer.Error("invalid_auth"));
        await using var factory = new SpeBotFactory(slack, new() { ["Slack:AppToken"] = SlackTransport.AppToken, ["Slack:SigningSecret"] = "" });
        using var client = factory.CreateClient();

        await SpeBotFactory.WaitUntilAsync(() => factory.Get<SocketModeStatus>().StoppedBecause is not null, what: "stopped");

        var health = JsonNode.Parse(await client.GetStringAsync("/healthz"))!;
        Assert.Equal("invalid_auth", health["platforms"]!["slackSocket"]!["stoppedBecause"]!.GetValue<string>());
        Assert.Single(slack.CallsTo("apps.connections.open"));
    }

    [Fact]
    public async Task HttpRequestsAreRefusedWhenOnlyTheAppTokenIsSet()
    {
        await using var slack = await StartAsync();

        var response = await slack.Client.SendAsync(SignedSlackRequest.Command("help"));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void BackoffGrowsWithJitterAndSettlesAtNoMoreThanAboutOneOpenAMinute()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(500), SocketModeBackoff.After(1, 0));
        Assert.Equal(TimeSpan.FromSeconds(1), SocketModeBackoff.After(1, 1));
        Assert.Equal(TimeSpan.FromSeconds(4), SocketModeBackoff.After(4, 0));
        Assert.True(SocketModeBackoff.After(5, 0.3) > SocketModeBackoff.After(4, 0.3));
        // apps.connections.open is Tier 1: a sustained outage must not call it more than about once a minute.
        for (var n = 8; n < 40; n++) Assert.True(SocketModeBackoff.After(n, 0) >= TimeSpan.FromSeconds(60), $"failure {n}");
        Assert.Equal(SocketModeBackoff.Cap, SocketModeBackoff.After(1_000, 1));
    }

    [Fact]
    public async Task OpenerRefusesAPlainTextSocketUrlOffLoopback()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        slack.Script("apps.connections.open", new SlackAnswer(200, new JsonObject { ["ok"] = true, ["url"] = "ws://wss.example.com/link/?ticket=1" }));
        var opener = new SocketModeOpener(new HttpClient(), Microsoft.Extensions.Options.Options.Create(
            new SlackOptions { ApiBaseUrl = slack.BaseUrl, BotToken = "xoxb-t", AppToken = SlackTransport.AppToken }));

        var e = await Assert.ThrowsAsync<SlackApiException>(() => opener.OpenAsync(CancellationToken.None));

        Assert.Equal("invalid_socket_url", e.Error);
    }

    [Fact]
    public void RedeliveredFrameCarriesItsRetryAndATranslatedBody()
    {
        var frame = SocketModeFrame.Parse(System.Text.Encoding.UTF8.GetBytes(FakeSlackSocket.Envelope("interactive",
            new JsonObject { ["type"] = "shortcut", ["text"] = "a&b=c %" }, acceptsResponsePayload: false, "e1", 2, "timeout").ToJsonString()))!;

        var request = frame.ToRequest()!;

        Assert.Equal(new SlackRetry(2, "timeout", "socket"), frame.Retry);
        Assert.Equal("application/x-www-form-urlencoded", request.MediaType);
        Assert.Equal("a&b=c %", JsonNode.Parse(request.Form!["payload"])!["text"]!.GetValue<string>());
    }

    private static JsonObject Command(string text)
    {
        var payload = new JsonObject();
        foreach (var (k, v) in SlackTransport.CommandFields(text)) payload[k] = v;
        return payload;
    }
}
