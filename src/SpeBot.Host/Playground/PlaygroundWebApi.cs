using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using SpeBot.Host.Slack;

namespace SpeBot.Host.Playground;

/// <summary>
/// The Slack Web API as SpeBot's HttpClient sees it in the playground, answered in-process: the methods SpeBot calls,
/// each body first held to <see cref="BlockKitRules"/> (the same rules as the strict test double), then applied to
/// the playground's workspace. Response URLs and file uploads land here too.
/// </summary>
public sealed partial class PlaygroundSlack
{
    public const string ApiBase = "http://127.0.0.1/playground-slack/api/";
    public const string ResponseBase = "http://127.0.0.1/playground-slack/response/";
    private const string UploadBase = "http://127.0.0.1/playground-slack/upload/";

    public HttpMessageHandler Handler() => new WebApiHandler(this);

    private sealed class WebApiHandler(PlaygroundSlack slack) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var url = request.RequestUri!.ToString();
            var raw = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
            JsonNode? answer;
            if (url.StartsWith(ResponseBase, StringComparison.Ordinal)) answer = slack.ResponseUrl(url[ResponseBase.Length..], raw);
            else if (url.StartsWith(UploadBase, StringComparison.Ordinal))
            {
                lock (slack._lock) slack._uploads[url[UploadBase.Length..]] = Encoding.UTF8.GetBytes(raw);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("OK - " + raw.Length) };
            }
            else if (url.StartsWith(ApiBase, StringComparison.Ordinal))
            {
                // https://docs.slack.dev/authentication/tokens: a bot token in the Authorization header, or not_authed.
                if (request.Headers.Authorization is not { Scheme: "Bearer", Parameter: BotToken }) answer = Error("not_authed");
                else
                {
                    var (method, query) = Split(url[ApiBase.Length..]);
                    var body = raw.Length > 0 && request.Content?.Headers.ContentType?.MediaType == "application/json"
                        ? JsonNode.Parse(raw)?.AsObject() ?? [] : new JsonObject(query.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
                    answer = BlockKitRules.Methods.Contains(method) && BlockKitRules.Check(method, body) is { } refused ? refused.ToJson() : slack.Call(method, body);
                }
            }
            else return new HttpResponseMessage(HttpStatusCode.NotFound);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer?.ToJsonString() ?? "ok", Encoding.UTF8, "application/json") };
        }

        private static (string Method, Dictionary<string, string> Query) Split(string rest)
        {
            var q = rest.IndexOf('?');
            return q < 0 ? (rest, []) : (rest[..q], QueryHelpers.ParseQuery(rest[q..]).ToDictionary(p => p.Key, p => p.Value.ToString()));
        }
    }

    private static JsonObject Ok(JsonObject? more = null)
    {
        var o = new JsonObject { ["ok"] = true };
        foreach (var (k, v) in more ?? []) o[k] = v?.DeepClone();
        return o;
    }

    private static JsonObject Error(string error) => new() { ["ok"] = false, ["error"] = error };

    private static string? S(JsonObject body, string key) => body[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private JsonObject Call(string method, JsonObject body)
    {
        switch (method)
        {
            case "auth.test":
                return Ok(new() { ["user_id"] = BotUserId, ["team_id"] = TeamId, ["bot_id"] = "B0SPEBOT" });
            case "chat.postMessage":
            {
                var channel = S(body, "channel")!;
                // Posting to a user id opens (or reuses) the DM with them; Slack answers with the DM's channel id.
                if (channel.StartsWith('U')) channel = Person(channel) is { } p ? DmOf(p.Id) : "";
                if (channel != Channel && UserOfDm(channel) is null) return Error("channel_not_found");
                var thread = S(body, "thread_ts");
                if (thread is not null && Find(channel, thread) is null) return Error("thread_not_found");
                var m = Post(channel, BotUserId, S(body, "text") ?? "", body["blocks"]?.DeepClone().AsArray(), threadTs: thread);
                return Ok(new() { ["channel"] = channel, ["ts"] = m.Ts });
            }
            case "chat.postEphemeral":
            {
                var channel = S(body, "channel")!;
                var user = S(body, "user")!;
                if (Person(user) is null) return Error("user_not_found");
                if (channel.StartsWith('U')) channel = DmOf(user);
                if (channel != Channel && UserOfDm(channel) is null) return Error("channel_not_found");
                var m = Post(channel, BotUserId, S(body, "text") ?? "", body["blocks"]?.DeepClone().AsArray(), onlyFor: user);
                return Ok(new() { ["message_ts"] = m.Ts });
            }
            case "chat.update":
            {
                lock (_lock)
                {
                    var m = _messages.FirstOrDefault(x => x.Channel == S(body, "channel") && x.Ts == S(body, "ts"));
                    if (m is null) return Error("message_not_found");
                    if (m.User != BotUserId) return Error("cant_update_message");
                    m.Text = S(body, "text") ?? m.Text;
                    if (body["blocks"] is JsonArray blocks) m.Blocks = blocks.DeepClone().AsArray();
                    Changed();
                    return Ok(new() { ["channel"] = m.Channel, ["ts"] = m.Ts });
                }
            }
            case "chat.getPermalink":
                return Find(S(body, "channel") ?? "", S(body, "message_ts") ?? "") is { } found
                    ? Ok(new() { ["permalink"] = $"http://127.0.0.1:5080/playground#m-{found.Ts}" }) : Error("message_not_found");
            // views.push stacks a modal on the open one (https://docs.slack.dev/reference/methods/views.push); closing the top
            // shows the one below, as this double keeps each person's modals in order.
            case "views.open" or "views.push":
            {
                lock (_lock)
                {
                    if (UseTrigger(S(body, "trigger_id"), out var user, out var channel) is { } bad) return Error(bad);
                    var view = new PlayView { Id = "V" + NextTs().Replace(".", "", StringComparison.Ordinal), User = user, Channel = channel, View = body["view"]!.DeepClone().AsObject(), Hash = NewHash() };
                    _views[view.Id] = view;
                    Changed();
                    return Ok(new() { ["view"] = new JsonObject { ["id"] = view.Id, ["hash"] = view.Hash } });
                }
            }
            case "views.update":
            {
                lock (_lock)
                {
                    if (!_views.TryGetValue(S(body, "view_id") ?? "", out var v)) return Error("not_found");
                    if (S(body, "hash") is { } hash && hash != v.Hash) return Error("hash_conflict");
                    ReplaceView(v.Id, body["view"]!.DeepClone().AsObject());
                    return Ok(new() { ["view"] = new JsonObject { ["id"] = v.Id, ["hash"] = v.Hash } });
                }
            }
            case "views.publish":
            {
                var user = S(body, "user_id");
                if (Person(user) is null) return Error("user_not_found");
                lock (_lock)
                {
                    _home[user!] = body["view"]!.DeepClone().AsObject();
                    Changed();
                }
                return Ok();
            }
            case "users.info":
                return Person(S(body, "user")) is { } person
                    ? Ok(new() { ["user"] = new JsonObject
                    {
                        ["id"] = person.Id, ["name"] = person.Name.ToLowerInvariant(), ["locale"] = person.Locale == "ja" ? "ja-JP" : "en-US",
                        ["tz"] = "UTC", ["is_bot"] = false, ["profile"] = new JsonObject { ["display_name"] = person.Name },
                    } })
                    : Error("user_not_found");
            case "conversations.info":
            {
                var channel = S(body, "channel") ?? "";
                if (channel == Channel) return Ok(new() { ["channel"] = new JsonObject { ["id"] = channel, ["name"] = ChannelName, ["is_member"] = true, ["is_im"] = false } });
                return UserOfDm(channel) is not null
                    ? Ok(new() { ["channel"] = new JsonObject { ["id"] = channel, ["is_member"] = true, ["is_im"] = true } })
                    : Error("channel_not_found");
            }
            case "conversations.replies":
                return Find(S(body, "channel") ?? "", S(body, "ts") ?? "") is { } msg
                    ? Ok(new() { ["messages"] = new JsonArray(new JsonObject { ["ts"] = msg.Ts, ["text"] = msg.Text, ["user"] = msg.User }) })
                    : Error("thread_not_found");
            case "reactions.add":
            {
                var channel = S(body, "channel") ?? "";
                var ts = S(body, "timestamp") ?? "";
                if (Find(channel, ts) is null) return Error("message_not_found");
                return React(channel, ts, BotUserId, S(body, "name") ?? "", add: true) ? Ok() : Error("already_reacted");
            }
            case "files.getUploadURLExternal":
            {
                var id = "F" + NextTs().Replace(".", "", StringComparison.Ordinal);
                return Ok(new() { ["upload_url"] = UploadBase + id, ["file_id"] = id });
            }
            case "files.completeUploadExternal":
            {
                var file = body["files"]?[0];
                var id = file?["id"]?.GetValue<string>() ?? "";
                lock (_lock)
                {
                    if (!_uploads.TryGetValue(id, out var bytes)) return Error("file_not_found");
                    var title = file?["title"]?.GetValue<string>() ?? id;
                    var channel = S(body, "channel_id") ?? Channel;
                    _messages.Add(new PlayMessage
                    {
                        Channel = channel, Ts = NextTs(), User = BotUserId,
                        Text = $"{S(body, "initial_comment")}\n📎 {title} ({bytes.Length:N0} bytes)",
                    });
                    Changed();
                }
                return Ok(new() { ["files"] = new JsonArray(new JsonObject { ["id"] = id }) });
            }
            default:
                return Error("unknown_method");
        }
    }

    /// <summary>
    /// A response_url post (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses): ephemeral to
    /// the person unless in_channel. The path carries who and where, as Slack's own URL identifies the interaction.
    /// </summary>
    private JsonNode ResponseUrl(string path, string raw)
    {
        var parts = path.Split('/');
        if (parts.Length < 2 || Person(parts[0]) is null) return Error("invalid_response_url");
        var body = JsonNode.Parse(raw)?.AsObject() ?? [];
        if (BlockKitRules.Check(BlockKitRules.ResponseUrl, body) is { } refused) return refused.ToJson();
        var text = S(body, "text") ?? "";
        var blocks = body["blocks"]?.DeepClone().AsArray();
        if (S(body, "response_type") == "in_channel") Post(parts[1], BotUserId, text, blocks);
        else Post(parts[1], BotUserId, text, blocks, onlyFor: parts[0]);
        return Ok();
    }
}
