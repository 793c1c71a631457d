using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace SpeBot.Tests.Support;

/// <summary>
/// A running SpeBot reached over one Slack transport: "http" (signed POSTs to /slack/events, signing secret only) or
/// "socket" (envelopes over <see cref="FakeSlackSocket"/>, app token only, no signing secret). The same call gives the
/// answer Slack would see: the HTTP body, or the ack's payload (null when empty).
/// </summary>
public sealed class SlackTransport : IAsyncDisposable
{
    public const string AppToken = "xapp-1-A1-1-test";

    private SlackTransport(string kind, FakeSlackApi slack, FakeSlackSocket? socket, SpeBotFactory factory, HttpClient client)
    {
        Kind = kind;
        Slack = slack;
        Socket = socket;
        Factory = factory;
        Client = client;
    }

    public string Kind { get; }
    public FakeSlackApi Slack { get; }
    public FakeSlackSocket? Socket { get; }
    public SpeBotFactory Factory { get; }
    public HttpClient Client { get; }

    public static async Task<SlackTransport> StartAsync(string kind, Dictionary<string, string?>? settings = null)
    {
        var slack = await FakeSlackApi.StartAsync();
        FakeSlackSocket? socket = null;
        var all = new Dictionary<string, string?>(settings ?? []);
        if (kind == "socket")
        {
            socket = await FakeSlackSocket.StartAsync();
            socket.ScriptOpens(slack);
            all["Slack:AppToken"] = AppToken;
            all["Slack:SigningSecret"] = "";
        }
        var factory = new SpeBotFactory(slack, all);
        var client = factory.CreateClient();
        if (socket is not null)
        {
            await socket.ConnectionAsync(1);
            // The fake has sent its hello; SpeBot counts the socket once it has read it.
            var status = factory.Services.GetRequiredService<SpeBot.Host.Slack.SocketModeStatus>();
            await SpeBotFactory.WaitUntilAsync(() => status.Connected, what: "SpeBot read the hello");
        }
        return new SlackTransport(kind, slack, socket, factory, client);
    }

    public static Dictionary<string, string> CommandFields(string text, string user = "U111", string channel = "C100", string team = "T1") => new()
    {
        ["token"] = "legacy", ["team_id"] = team, ["team_domain"] = "acme", ["channel_id"] = channel, ["channel_name"] = "ops",
        ["user_id"] = user, ["user_name"] = "someone", ["command"] = "/spe", ["text"] = text, ["api_app_id"] = "A1",
        ["response_url"] = "https://hooks.slack.com/commands/T1/1/abc", ["trigger_id"] = "trigger-1",
    };

    /// <summary>A slash command; returns what the user is shown at once (null for an empty ack).</summary>
    public async Task<JsonNode?> CommandAsync(string text, string user = "U111", string channel = "C100")
    {
        var fields = CommandFields(text, user, channel);
        if (Socket is null) return await PostAsync(SignedSlackRequest.Form(fields));
        var payload = new JsonObject();
        foreach (var (k, v) in fields) payload[k] = v;
        return await EnvelopeAsync("slash_commands", payload, acceptsResponsePayload: true);
    }

    /// <summary>A shortcut, button click or modal submission; returns the answer's JSON (null for an empty ack).</summary>
    public async Task<JsonNode?> InteractionAsync(object payload)
    {
        if (Socket is null) return await PostAsync(SignedSlackRequest.Interaction(payload));
        // Slack accepts a response payload on interactions that can take one (view_submission's response_action).
        var node = JsonSerializer.SerializeToNode(payload)!;
        var accepts = node["type"]?.GetValue<string>() is "view_submission" or "block_suggestion";
        return await EnvelopeAsync("interactive", node, accepts);
    }

    /// <summary>An Events API callback (its envelope as HTTP would POST it).</summary>
    public async Task EventAsync(JsonNode eventCallback, int? retry = null)
    {
        if (Socket is null)
        {
            var request = SignedSlackRequest.Json(eventCallback);
            if (retry is not null)
            {
                request.Headers.Add("X-Slack-Retry-Num", retry.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
            }
            Assert.Null(await PostAsync(request));
            return;
        }
        Assert.Null(await EnvelopeAsync("events_api", eventCallback, acceptsResponsePayload: false, retry));
    }

    /// <summary>The current socket: the latest that said hello and has not ended.</summary>
    public FakeSlackSocket.Connection Current =>
        Socket!.Connections.Where(c => c.Hello.IsCompleted && !c.Closed.IsCompleted).OrderBy(c => c.Id).Last();

    private async Task<JsonNode?> EnvelopeAsync(string type, JsonNode payload, bool acceptsResponsePayload, int? retry = null)
    {
        var ack = await Current.RoundTripAsync(FakeSlackSocket.Envelope(type, payload.DeepClone(), acceptsResponsePayload,
            retryAttempt: retry, retryReason: retry is null ? null : "timeout"));
        return ack["payload"]?.DeepClone();
    }

    private async Task<JsonNode?> PostAsync(HttpRequestMessage request)
    {
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        return body.Length == 0 ? null : JsonNode.Parse(body);
    }

    public IReadOnlyList<T> Query<T>(string sql, object? args = null) => Factory.Query<T>(sql, args);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        if (Socket is not null) await Socket.DisposeAsync();
        await Slack.DisposeAsync();
    }
}
