using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

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

/// <summary>
/// A fake Slack Web API on loopback (a real Kestrel server), recording every call; methods answer ok:true
/// with plausible fields unless a scripted answer is queued. Also serves response_url posts at /response/*.
/// </summary>
public sealed class FakeSlackApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<SlackAnswer>> _scripts = new();
    private long _ts = 1_700_000_000_000_000;

    public ConcurrentQueue<SlackCall> Calls { get; } = new();
    public ConcurrentDictionary<string, JsonObject> Messages { get; } = new();

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

    public void Script(string method, params SlackAnswer[] answers)
    {
        var q = _scripts.GetOrAdd(method, _ => new ConcurrentQueue<SlackAnswer>());
        foreach (var a in answers) q.Enqueue(a);
    }

    public IReadOnlyList<SlackCall> CallsTo(string method) => Calls.Where(c => c.Method == method).ToList();

    /// <summary>Seeds a channel message that conversations.replies returns (for emoji capture).</summary>
    public void AddMessage(string channel, string ts, string text, string user) =>
        Messages[$"{channel}/{ts}"] = new JsonObject { ["ts"] = ts, ["text"] = text, ["user"] = user, ["type"] = "message" };

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
        Calls.Enqueue(new SlackCall(method, body, http.Request.Headers.Authorization.ToString(), DateTimeOffset.UtcNow));

        var answer = _scripts.TryGetValue(method, out var q) && q.TryDequeue(out var a) ? a : new SlackAnswer(200, Default(method, body));
        http.Response.StatusCode = answer.Status;
        if (answer.RetryAfterSeconds is { } s) http.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (answer.Json is not null) await http.Response.WriteAsJsonAsync(answer.Json);
        else if (method == "response_url" && answer.Status == (int)HttpStatusCode.OK) await http.Response.WriteAsync("ok");
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
            "conversations.replies" => Messages.TryGetValue($"{body["channel"]}/{body["ts"]}", out var m)
                ? new JsonObject { ["ok"] = true, ["messages"] = new JsonArray(m.DeepClone()) }
                : new JsonObject { ["ok"] = false, ["error"] = "thread_not_found" },
            _ => new JsonObject { ["ok"] = true },
        };
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
