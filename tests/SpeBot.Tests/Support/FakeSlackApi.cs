using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SpeBot.Host.Slack;

namespace SpeBot.Tests.Support;

/// <summary>One call SpeBot made to the fake Slack: method, parsed JSON body (or query for GETs), auth header.</summary>
public sealed record SlackCall(string Method, JsonObject Body, string? Authorization, DateTimeOffset At)
{
    /// <summary>The body as readable JSON text (non-ASCII and &lt; &gt; unescaped), for substring assertions.</summary>
    public string Text => Body.ToJsonString(Readable);

    private static readonly System.Text.Json.JsonSerializerOptions Readable =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>A scripted answer: HTTP status, JSON body and an optional Retry-After.</summary>
public sealed record SlackAnswer(int Status, JsonObject? Json, int? RetryAfterSeconds = null)
{
    public static SlackAnswer Error(string code) => new(200, new JsonObject { ["ok"] = false, ["error"] = code });
    public static SlackAnswer RateLimited(int seconds) => new(429, null, seconds);
    public static SlackAnswer ServerError() => new(500, null);
}

/// <summary>A call the double refused as Slack would: which method and Slack's error with its detail messages.</summary>
public sealed record SlackRejection(string Method, SpeBot.Host.Slack.SlackApiError Error, JsonObject Body)
{
    public override string ToString() => $"{Method}: {Error.Error} {string.Join("; ", Error.Messages)}";
}

/// <summary>
/// A strict fake Slack Web API on loopback (a real Kestrel server), recording every call. Every call is first held to
/// what Slack enforces, and refused the way Slack refuses (HTTP 200, ok:false, error and response_metadata.messages):
/// a Bearer token (https://docs.slack.dev/authentication/tokens), a method Slack has (unknown_method), the method's
/// required arguments, and <see cref="BlockKitRules"/> for every message, view and response_url body. Accepted calls answer
/// ok:true with plausible fields unless a scripted answer is queued. Also serves response_url posts at /response/*.
/// A refusal is also kept in <see cref="Rejections"/>; disposing the double fails the test when there is one it did
/// not expect (<see cref="ExpectRejections"/>), so no test passes while SpeBot sends something Slack would drop.
/// </summary>
public sealed class FakeSlackApi : IAsyncDisposable
{
    /// <summary>
    /// The Web API methods the double serves, with the arguments each requires (from each method's page under
    /// https://docs.slack.dev/reference/methods/). Block Kit bodies are checked by <see cref="BlockKitRules"/> on top.
    /// </summary>
    private static readonly Dictionary<string, string[]> RequiredArguments = new(StringComparer.Ordinal)
    {
        ["chat.postMessage"] = ["channel"], ["chat.postEphemeral"] = ["channel", "user"], ["chat.update"] = ["channel", "ts"],
        ["chat.getPermalink"] = ["channel", "message_ts"],
        ["views.open"] = ["trigger_id", "view"], ["views.push"] = ["trigger_id", "view"], ["views.update"] = ["view"], ["views.publish"] = ["user_id", "view"],
        ["users.info"] = ["user"], ["conversations.info"] = ["channel"], ["conversations.replies"] = ["channel", "ts"],
        ["reactions.add"] = ["channel", "timestamp", "name"], ["auth.test"] = [],
        ["files.getUploadURLExternal"] = ["filename", "length"], ["files.completeUploadExternal"] = ["files"],
    };

    private readonly ConcurrentQueue<SlackRejection> _rejections = new();
    private bool _rejectionsExpected;
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<SlackAnswer>> _scripts = new();
    private long _ts = 1_700_000_000_000_000;

    public ConcurrentQueue<SlackCall> Calls { get; } = new();
    public ConcurrentDictionary<string, JsonObject> Messages { get; } = new();

    /// <summary>Thread parent ts by reply key "channel/ts", for conversations.replies.</summary>
    private readonly ConcurrentDictionary<string, string> _parents = new();

    /// <summary>
    /// How conversations.replies answers for a reply's ts: the reply alone, or the thread's parent first and then the
    /// replies in range (how conversations.replies lists a thread). SpeBot must take the message whose ts matches from either.
    /// </summary>
    public bool RepliesParentFirst { get; set; } = true;

    /// <summary>Every call refused so far (Web API, response_url, and acks checked by <see cref="StrictSlackAcks"/>).</summary>
    public IReadOnlyList<SlackRejection> Rejections => _rejections.ToList();

    /// <summary>For tests that provoke refusals on purpose: disposing no longer fails on them.</summary>
    public void ExpectRejections() => _rejectionsExpected = true;

    /// <summary>Records a refusal found outside the Web API (a slash-command ack, a view_submission answer).</summary>
    public void Reject(string method, SpeBot.Host.Slack.SlackApiError error, JsonObject body) => _rejections.Enqueue(new SlackRejection(method, error, body));

    /// <summary>Bytes sent to pre-signed upload URLs, by file id (not Web API calls, so not in <see cref="Calls"/>).</summary>
    public ConcurrentDictionary<string, byte[]> Uploads { get; } = new();
    public string BaseUrl { get; }

    private FakeSlackApi(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<FakeSlackApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeSlackApi? fake = null;
        app.Map("/api/{method}", (HttpContext http, string method) => fake!.HandleAsync(http, method));
        app.MapPost("/response/{id}", (HttpContext http, string id) => fake!.HandleAsync(http, "response_url"));
        app.MapPost("/upload/{id}", async (HttpContext http, string id) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            fake!.Uploads[id] = buffer.ToArray();
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Urls.First();
        fake = new FakeSlackApi(app, address + "/api/");
        return fake;
    }

    public string ResponseUrl(string id = "r1") => BaseUrl.Replace("/api/", $"/response/{id}", StringComparison.Ordinal);

    /// <summary>The smallest modal Slack accepts (type, title, blocks), for tests about the call rather than the view.</summary>
    public static JsonObject MinimalModal() => new()
    {
        ["type"] = "modal", ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "SpeBot" }, ["blocks"] = new JsonArray(),
    };

    public void Script(string method, params SlackAnswer[] answers)
    {
        var q = _scripts.GetOrAdd(method, _ => new ConcurrentQueue<SlackAnswer>());
        foreach (var a in answers) q.Enqueue(a);
    }

    public IReadOnlyList<SlackCall> CallsTo(string method) => Calls.Where(c => c.Method == method).ToList();

    /// <summary>Seeds a channel message that conversations.replies returns (for emoji capture).</summary>
    public void AddMessage(string channel, string ts, string text, string user) =>
        Messages[$"{channel}/{ts}"] = new JsonObject { ["ts"] = ts, ["text"] = text, ["user"] = user, ["type"] = "message" };

    /// <summary>Seeds a reply in the thread of <paramref name="parentTs"/> (the parent must be seeded too).</summary>
    public void AddThreadReply(string channel, string parentTs, string ts, string text, string user)
    {
        Messages[$"{channel}/{ts}"] = new JsonObject
        {
            ["ts"] = ts, ["thread_ts"] = parentTs, ["text"] = text, ["user"] = user, ["type"] = "message", ["parent_user_id"] = "U0PARENT",
        };
        _parents[$"{channel}/{ts}"] = parentTs;
        if (Messages.TryGetValue($"{channel}/{parentTs}", out var parent)) parent["thread_ts"] = parentTs;
    }

    private async Task HandleAsync(HttpContext http, string method)
    {
        JsonObject body;
        if (HttpMethods.IsGet(http.Request.Method))
        {
            body = new JsonObject();
            foreach (var (k, v) in http.Request.Query) body[k] = v.ToString();
        }
        else
        {
            using var reader = new StreamReader(http.Request.Body);
            var text = await reader.ReadToEndAsync();
            body = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)?.AsObject() ?? new JsonObject();
        }
        var authorization = http.Request.Headers.Authorization.ToString();
        Calls.Enqueue(new SlackCall(method, body, authorization, DateTimeOffset.UtcNow));

        if (Refusal(method, body, authorization) is { } refusal)
        {
            _rejections.Enqueue(new SlackRejection(method, refusal, body));
            if (method == BlockKitRules.ResponseUrl)
            {
                // Webhook-style URLs refuse with an HTTP 400 and the bare code as text ("400 Bad Request with body
                // invalid_blocks": https://github.com/slackapi/java-slack-sdk/issues/1017), not the Web API's JSON.
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                await http.Response.WriteAsync(refusal.Error);
                return;
            }
            await http.Response.WriteAsJsonAsync(refusal.ToJson());
            return;
        }

        var answer = _scripts.TryGetValue(method, out var q) && q.TryDequeue(out var a) ? a : new SlackAnswer(200, Default(method, body));
        http.Response.StatusCode = answer.Status;
        if (answer.RetryAfterSeconds is { } s) http.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (answer.Json is not null) await http.Response.WriteAsJsonAsync(answer.Json);
        else if (method == "response_url" && answer.Status == (int)HttpStatusCode.OK) await http.Response.WriteAsync("ok");
    }

    /// <summary>What Slack would refuse before doing anything: auth, the method, its arguments, then Block Kit.</summary>
    private static SpeBot.Host.Slack.SlackApiError? Refusal(string method, JsonObject body, string authorization)
    {
        // response_url posts are pre-authorised by their URL and carry no token
        // (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses).
        if (method == BlockKitRules.ResponseUrl) return BlockKitRules.Check(method, body);
        // https://docs.slack.dev/apis/web-api/ : the token goes in "Authorization: Bearer"; none → not_authed, a malformed one → invalid_auth.
        if (authorization.Length == 0) return new("not_authed", ["[ERROR] No authentication token provided"]);
        if (!authorization.StartsWith("Bearer xox", StringComparison.Ordinal)) return new("invalid_auth", ["[ERROR] Invalid token"]);
        // https://docs.slack.dev/apis/web-api/ : a method Slack does not have answers unknown_method.
        if (!RequiredArguments.TryGetValue(method, out var required)) return new("unknown_method", [$"[ERROR] unknown method {method}"]);
        var missing = required.Where(a => body[a] is null || body[a] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String && v.GetValue<string>().Length == 0).ToList();
        if (missing.Count > 0)
            return new("invalid_arguments", missing.Select(a => $"[ERROR] missing required field: {a} [json-pointer:/{a}]").ToList());
        return BlockKitRules.Check(method, body);
    }

    private JsonObject Default(string method, JsonObject body)
    {
        var ts = $"{Interlocked.Increment(ref _ts) / 1_000_000}.{Interlocked.Read(ref _ts) % 1_000_000:D6}";
        return method switch
        {
            "chat.postMessage" => new JsonObject { ["ok"] = true, ["channel"] = body["channel"]?.GetValue<string>(), ["ts"] = ts },
            "chat.postEphemeral" => new JsonObject { ["ok"] = true, ["message_ts"] = ts },
            "chat.getPermalink" => new JsonObject { ["ok"] = true, ["permalink"] = $"https://example.slack.com/archives/{body["channel"]}/p{body["message_ts"]?.GetValue<string>().Replace(".", "", StringComparison.Ordinal)}" },
            "views.open" => new JsonObject { ["ok"] = true, ["view"] = new JsonObject { ["id"] = "V123" } },
            "users.info" => new JsonObject { ["ok"] = true, ["user"] = new JsonObject { ["id"] = body["user"]?.GetValue<string>(), ["locale"] = "ja-JP", ["tz"] = "Asia/Tokyo", ["is_bot"] = false } },
            "files.getUploadURLExternal" => new JsonObject
            {
                ["ok"] = true, ["file_id"] = $"F{body["length"]}", ["upload_url"] = BaseUrl.Replace("/api/", $"/upload/F{body["length"]}", StringComparison.Ordinal),
            },
            "auth.test" => new JsonObject { ["ok"] = true, ["user_id"] = "UBOT" },
            "conversations.replies" => Replies(body),
            "views.publish" or "views.update" or "views.push" => new JsonObject { ["ok"] = true, ["view"] = new JsonObject { ["id"] = "V" + ts.Replace(".", "", StringComparison.Ordinal) } },
            _ => new JsonObject { ["ok"] = true },
        };
    }

    /// <summary>
    /// conversations.replies (https://docs.slack.dev/reference/methods/conversations.replies): the thread of the message at
    /// ts. With <see cref="RepliesParentFirst"/> the parent comes first whatever the range, then the replies between
    /// oldest and latest (inclusive when asked), cut to limit; otherwise a reply's ts yields the reply alone.
    /// </summary>
    private JsonObject Replies(JsonObject body)
    {
        var channel = body["channel"]?.ToString();
        var ts = body["ts"]?.ToString() ?? "";
        if (!Messages.TryGetValue($"{channel}/{ts}", out var asked)) return new JsonObject { ["ok"] = false, ["error"] = "thread_not_found" };
        var parentTs = _parents.GetValueOrDefault($"{channel}/{ts}") ?? ts;
        if (!RepliesParentFirst && parentTs != ts) return new JsonObject { ["ok"] = true, ["messages"] = new JsonArray(asked.DeepClone()) };

        var limit = int.TryParse(body["limit"]?.ToString(), out var l) && l > 0 ? l : 1000;
        var inclusive = body["inclusive"]?.ToString() is "true" or "1";
        var oldest = decimal.TryParse(body["oldest"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var o) ? o : decimal.MinValue;
        var latest = decimal.TryParse(body["latest"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var la) ? la : decimal.MaxValue;
        bool InRange(string t)
        {
            var v = decimal.Parse(t, System.Globalization.CultureInfo.InvariantCulture);
            return inclusive ? v >= oldest && v <= latest : v > oldest && v < latest;
        }
        var replies = _parents.Where(p => p.Value == parentTs && p.Key.StartsWith($"{channel}/", StringComparison.Ordinal))
            .Select(p => Messages[p.Key]).Where(m => InRange(m["ts"]!.ToString()))
            .OrderBy(m => decimal.Parse(m["ts"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture));
        var thread = new[] { Messages[$"{channel}/{parentTs}"] }.Concat(replies).Take(limit).Select(m => (JsonNode)m.DeepClone()).ToArray();
        return new JsonObject { ["ok"] = true, ["messages"] = new JsonArray(thread), ["has_more"] = false };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        if (!_rejectionsExpected && !_rejections.IsEmpty)
            throw new InvalidOperationException("Slack would have refused what SpeBot sent:\n" + string.Join("\n", _rejections));
    }
}
