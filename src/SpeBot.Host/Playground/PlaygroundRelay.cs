using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using SpeBot.Host.Slack;

namespace SpeBot.Host.Playground;

/// <summary>The playground's signing secret: random per start, so nothing outside this process can sign as the playground.</summary>
public sealed record PlaygroundSecret(string Value);

/// <summary>
/// What a person does on the page, sent the way Slack sends it: a slash-command form, an interactivity payload or an
/// Events API envelope, signed with the playground's secret and posted to the same process's <c>/slack/events</c>.
/// </summary>
public sealed class PlaygroundRelay(PlaygroundSlack slack, PlaygroundSecret secret, IHttpClientFactory http, TimeProvider clock)
{
    public const string Client = "playground-relay";

    public sealed record Outcome(int Status, JsonObject? Body);

    public async Task<Outcome> CommandAsync(Uri self, string user, string channel, string text, CancellationToken ct)
    {
        var trigger = slack.IssueTrigger(user, channel);
        var fields = new Dictionary<string, string>
        {
            ["token"] = "playground", ["team_id"] = PlaygroundSlack.TeamId, ["team_domain"] = "playground", ["channel_id"] = channel,
            ["channel_name"] = channel == PlaygroundSlack.Channel ? PlaygroundSlack.ChannelName : "directmessage", ["user_id"] = user,
            ["user_name"] = PlaygroundSlack.Person(user)!.Name.ToLowerInvariant(), ["command"] = "/spe", ["text"] = text, ["api_app_id"] = "A0PLAYGROUND",
            ["response_url"] = $"{PlaygroundSlack.ResponseBase}{user}/{channel}", ["trigger_id"] = trigger,
        };
        var outcome = await PostAsync(self, Form(fields), "application/x-www-form-urlencoded", ct);
        // The ack body is the command's answer: only the person sees it, unless it says in_channel.
        if (outcome.Body is { } ack && (ack["text"] is not null || ack["blocks"] is not null))
        {
            var rejected = BlockKitRules.Check(BlockKitRules.CommandAck, ack);
            var shown = rejected is null ? ack : new JsonObject { ["text"] = $"(Slack would refuse this answer: {rejected.Error})" };
            slack.Post(channel, PlaygroundSlack.BotUserId, shown["text"]?.GetValue<string>() ?? "", shown["blocks"]?.DeepClone().AsArray(),
                onlyFor: ack["response_type"]?.GetValue<string>() == "in_channel" ? null : user);
        }
        return outcome;
    }

    public Task<Outcome> ActionAsync(Uri self, string user, string? channel, string? messageTs, string? viewId, JsonObject action, CancellationToken ct)
    {
        var view = viewId is null ? null : slack.View(viewId);
        var home = viewId == "home";
        var where = channel ?? view?.Channel ?? PlaygroundSlack.DmOf(user);
        var message = channel is not null && messageTs is not null ? slack.Find(channel, messageTs) : null;
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = PlaygroundSlack.TeamId },
            ["user"] = new JsonObject { ["id"] = user, ["team_id"] = PlaygroundSlack.TeamId },
            ["api_app_id"] = "A0PLAYGROUND",
            ["trigger_id"] = slack.IssueTrigger(user, where),
            ["actions"] = new JsonArray(action),
        };
        if (home) payload["container"] = new JsonObject { ["type"] = "view", ["view_id"] = "home" };
        else if (view is not null)
        {
            payload["container"] = new JsonObject { ["type"] = "view", ["view_id"] = view.Id };
            payload["view"] = new JsonObject { ["id"] = view.Id, ["callback_id"] = view.View["callback_id"]?.DeepClone(), ["private_metadata"] = view.View["private_metadata"]?.DeepClone(), ["hash"] = view.Hash };
        }
        else
        {
            payload["channel"] = new JsonObject { ["id"] = where };
            payload["container"] = new JsonObject { ["type"] = "message", ["channel_id"] = where, ["message_ts"] = messageTs, ["is_ephemeral"] = message is null };
            payload["response_url"] = $"{PlaygroundSlack.ResponseBase}{user}/{where}";
            if (message is not null) payload["message"] = new JsonObject { ["ts"] = message.Ts, ["text"] = message.Text, ["user"] = message.User };
        }
        return PostAsync(self, Form(new() { ["payload"] = payload.ToJsonString() }), "application/x-www-form-urlencoded", ct);
    }

    /// <summary>view_submission: the form's values as Slack's view.state.values; errors stay on the modal, success closes it.</summary>
    public async Task<Outcome> SubmitAsync(Uri self, string user, string viewId, JsonObject values, CancellationToken ct)
    {
        var view = slack.View(viewId);
        if (view is null || view.User != user) return new Outcome(StatusCodes.Status404NotFound, null);
        var payload = new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = PlaygroundSlack.TeamId },
            ["user"] = new JsonObject { ["id"] = user, ["team_id"] = PlaygroundSlack.TeamId },
            ["api_app_id"] = "A0PLAYGROUND",
            ["trigger_id"] = slack.IssueTrigger(user, view.Channel),
            ["view"] = new JsonObject
            {
                ["id"] = view.Id, ["type"] = "modal", ["callback_id"] = view.View["callback_id"]?.DeepClone(),
                ["private_metadata"] = view.View["private_metadata"]?.DeepClone(), ["hash"] = view.Hash,
                ["state"] = new JsonObject { ["values"] = values },
            },
        };
        var outcome = await PostAsync(self, Form(new() { ["payload"] = payload.ToJsonString() }), "application/x-www-form-urlencoded", ct);
        if (outcome.Status != StatusCodes.Status200OK) return outcome;
        var answer = outcome.Body;
        if (answer is not null && BlockKitRules.Check(BlockKitRules.ViewSubmissionAnswer, answer) is { } refused)
            slack.SetViewErrors(viewId, new() { [""] = $"Slack would refuse this answer: {refused.Error}" });
        else if (answer?["response_action"]?.GetValue<string>() == "errors")
            slack.SetViewErrors(viewId, answer["errors"]!.AsObject().ToDictionary(e => e.Key, e => e.Value?.GetValue<string>() ?? ""));
        else if (answer?["response_action"]?.GetValue<string>() == "update") slack.ReplaceView(viewId, answer["view"]!.AsObject());
        else slack.CloseView(viewId);
        return outcome;
    }

    public Task<Outcome> ReactionAsync(Uri self, string user, string channel, string ts, string name, bool add, CancellationToken ct)
    {
        var message = slack.Find(channel, ts);
        if (message is null || !slack.React(channel, ts, user, name, add)) return Task.FromResult(new Outcome(StatusCodes.Status200OK, null));
        return EventAsync(self, new JsonObject
        {
            ["type"] = add ? "reaction_added" : "reaction_removed", ["user"] = user, ["reaction"] = name, ["item_user"] = message.User,
            ["item"] = new JsonObject { ["type"] = "message", ["channel"] = channel, ["ts"] = ts }, ["event_ts"] = slack.NextTs(),
        }, ct);
    }

    /// <summary>A message typed in the person's DM with the bot: Slack's message.im event, which SpeBot answers in the DM.</summary>
    public Task<Outcome> DirectMessageAsync(Uri self, string user, PlayMessage message, CancellationToken ct) =>
        EventAsync(self, new JsonObject
        {
            ["type"] = "message", ["channel_type"] = "im", ["channel"] = message.Channel, ["user"] = user, ["text"] = message.Text,
            ["ts"] = message.Ts, ["event_ts"] = message.Ts,
        }, ct);

    public Task<Outcome> HomeOpenedAsync(Uri self, string user, CancellationToken ct) =>
        EventAsync(self, new JsonObject
        {
            ["type"] = "app_home_opened", ["user"] = user, ["channel"] = PlaygroundSlack.DmOf(user), ["tab"] = "home", ["event_ts"] = slack.NextTs(),
        }, ct);

    private Task<Outcome> EventAsync(Uri self, JsonObject e, CancellationToken ct) =>
        PostAsync(self, new JsonObject
        {
            ["type"] = "event_callback", ["team_id"] = PlaygroundSlack.TeamId, ["api_app_id"] = "A0PLAYGROUND",
            ["event_id"] = "Ev" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant(), ["event_time"] = clock.GetUtcNow().ToUnixTimeSeconds(),
            ["event"] = e,
        }.ToJsonString(), "application/json", ct);

    private static string Form(Dictionary<string, string> fields) =>
        string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));

    private async Task<Outcome> PostAsync(Uri self, string body, string contentType, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var ts = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(self, "/slack/events")) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(bytes, ts, secret.Value));
        using var response = await http.CreateClient(Client).SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonObject? json = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json") json = JsonNode.Parse(text) as JsonObject;
        return new Outcome((int)response.StatusCode, json);
    }
}
