using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace SpeBot.Host.Slack;

/// <summary>
/// The Slack Web API methods SpeBot calls, and nothing more. ok:false → <see cref="SlackApiException"/>;
/// 429 → <see cref="SlackRateLimitedException"/> and the method is paused for Retry-After;
/// idempotent calls are retried on 5xx and network errors with jittered backoff. The token is sent only
/// in the Authorization header and never logged.
/// </summary>
public sealed partial class SlackWebApi
{
    private const int IdempotentRetries = 2;
    private readonly HttpClient _http;
    private readonly TimeProvider _clock;
    private readonly ILogger<SlackWebApi> _log;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pausedUntil;

    public SlackWebApi(HttpClient http, IOptions<SlackOptions> options, TimeProvider clock, ILogger<SlackWebApi> log, SlackMethodPauses pauses)
    {
        _pausedUntil = pauses.Until;
        var o = options.Value;
        http.BaseAddress ??= new Uri(o.ApiBaseUrl.EndsWith('/') ? o.ApiBaseUrl : o.ApiBaseUrl + "/");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", o.BotToken);
        http.Timeout = TimeSpan.FromSeconds(o.HttpTimeoutSeconds);
        _http = http;
        _clock = clock;
        _log = log;
    }

    public async Task<PostedTs> PostMessageAsync(string channel, string text, JsonArray? blocks, string? threadTs = null, CancellationToken ct = default)
    {
        var r = await CallAsync("chat.postMessage", new JsonObject
        {
            ["channel"] = channel, ["text"] = text, ["blocks"] = blocks, ["thread_ts"] = threadTs,
            ["unfurl_links"] = false, ["unfurl_media"] = false,
        }, idempotent: false, ct);
        return new PostedTs(r["channel"]?.GetValue<string>() ?? channel, r["ts"]?.GetValue<string>() ?? "");
    }

    public async Task<string?> PostEphemeralAsync(string channel, string user, string text, JsonArray? blocks, CancellationToken ct = default)
    {
        var r = await CallAsync("chat.postEphemeral", new JsonObject
        {
            ["channel"] = channel, ["user"] = user, ["text"] = text, ["blocks"] = blocks,
        }, idempotent: false, ct);
        return r["message_ts"]?.GetValue<string>();
    }

    public Task UpdateAsync(string channel, string ts, string text, JsonArray? blocks, CancellationToken ct = default) =>
        CallAsync("chat.update", new JsonObject { ["channel"] = channel, ["ts"] = ts, ["text"] = text, ["blocks"] = blocks }, idempotent: true, ct);

    public async Task<string?> GetPermalinkAsync(string channel, string messageTs, CancellationToken ct = default)
    {
        var r = await CallGetAsync("chat.getPermalink", new() { ["channel"] = channel, ["message_ts"] = messageTs }, ct);
        return r["permalink"]?.GetValue<string>();
    }

    /// <summary>Opens a modal; the trigger lives 3 s and works once, so this is never retried.</summary>
    public async Task<string?> OpenViewAsync(string triggerId, JsonObject view, CancellationToken ct = default)
    {
        var r = await CallAsync("views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view }, idempotent: false, ct);
        return r["view"]?["id"]?.GetValue<string>();
    }

    /// <summary>Stacks a modal on the open one (at most 3); the trigger works once, so this is never retried.</summary>
    public async Task<string?> PushViewAsync(string triggerId, JsonObject view, CancellationToken ct = default)
    {
        var r = await CallAsync("views.push", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view }, idempotent: false, ct);
        return r["view"]?["id"]?.GetValue<string>();
    }

    public Task UpdateViewAsync(string viewId, JsonObject view, string? hash = null, CancellationToken ct = default) =>
        CallAsync("views.update", new JsonObject { ["view_id"] = viewId, ["view"] = view, ["hash"] = hash }, idempotent: true, ct);

    public Task PublishViewAsync(string userId, JsonObject view, CancellationToken ct = default) =>
        CallAsync("views.publish", new JsonObject { ["user_id"] = userId, ["view"] = view }, idempotent: true, ct);

    public async Task<SlackUserInfo> UserInfoAsync(string userId, CancellationToken ct = default)
    {
        var r = await CallGetAsync("users.info", new() { ["user"] = userId, ["include_locale"] = "true" }, ct);
        var u = r["user"];
        return new SlackUserInfo(userId, u?["locale"]?.GetValue<string>(), u?["tz"]?.GetValue<string>(),
            u?["is_bot"]?.GetValue<bool>() ?? false, u?["profile"]?["display_name"]?.GetValue<string>());
    }

    /// <summary>
    /// One message by channel + ts (top level or in a thread), for emoji capture. For a reply's ts Slack may answer with
    /// the reply alone or with the thread's parent first, so the range is pinned to that one ts (oldest = latest, inclusive),
    /// room is left for the parent, and the message whose ts matches is taken from either shape
    /// (https://docs.slack.dev/reference/methods/conversations.replies).
    /// </summary>
    public async Task<SlackMessage?> MessageAsync(string channel, string ts, CancellationToken ct = default)
    {
        var r = await CallGetAsync("conversations.replies", new()
        {
            ["channel"] = channel, ["ts"] = ts, ["oldest"] = ts, ["latest"] = ts, ["inclusive"] = "true", ["limit"] = "2",
        }, ct);
        var first = r["messages"]?.AsArray().FirstOrDefault(m => m?["ts"]?.GetValue<string>() == ts);
        return first?.Deserialize<SlackMessage>(SlackJson.Options);
    }

    public async Task AddReactionAsync(string channel, string ts, string name, CancellationToken ct = default)
    {
        try
        {
            await CallAsync("reactions.add", new JsonObject { ["channel"] = channel, ["timestamp"] = ts, ["name"] = name }, idempotent: true, ct);
        }
        catch (SlackApiException e) when (e.Error == "already_reacted")
        {
            // The goal state already holds.
        }
    }

    /// <summary>
    /// Shares a file in a conversation with Slack's external upload flow: get an upload URL, send the bytes there
    /// (no token: the URL is pre-signed), then complete the upload into the channel.
    /// </summary>
    public async Task UploadFileAsync(string channel, string filename, byte[] content, string title, string comment,
                                      HttpClient uploader, CancellationToken ct = default)
    {
        var r = await CallGetAsync("files.getUploadURLExternal", new()
        {
            ["filename"] = filename, ["length"] = content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, ct);
        var url = r["upload_url"]?.GetValue<string>();
        var fileId = r["file_id"]?.GetValue<string>();
        if (url is null || fileId is null || !IsSlackHostOrLoopback(url)) throw new SlackApiException("files.getUploadURLExternal", "invalid_upload_url");
        using (var upload = await uploader.PostAsync(url, new ByteArrayContent(content), ct))
        {
            if ((int)upload.StatusCode >= 500) throw new SlackTransportException("file upload", $"HTTP {(int)upload.StatusCode}");
            if (!upload.IsSuccessStatusCode) throw new SlackApiException("file upload", $"http_{(int)upload.StatusCode}");
        }
        await CallAsync("files.completeUploadExternal", new JsonObject
        {
            ["files"] = new JsonArray(new JsonObject { ["id"] = fileId, ["title"] = title }),
            ["channel_id"] = channel,
            ["initial_comment"] = comment,
        }, idempotent: true, ct);
    }

    internal static bool IsSlackHostOrLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u)
        && (u.Scheme == Uri.UriSchemeHttps && (u.Host == "slack.com" || u.Host.EndsWith(".slack.com", StringComparison.Ordinal)) || u.IsLoopback);

    public async Task<string?> AuthTestUserIdAsync(CancellationToken ct = default)
    {
        var r = await CallAsync("auth.test", new JsonObject(), idempotent: true, ct);
        return r["user_id"]?.GetValue<string>();
    }

    private Task<JsonNode> CallAsync(string method, JsonObject body, bool idempotent, CancellationToken ct)
    {
        // Explicit nulls mean "default" to Slack, but dropping them keeps payloads small and logs readable.
        foreach (var key in body.Where(p => p.Value is null).Select(p => p.Key).ToList()) body.Remove(key);
        var json = body.ToJsonString(SlackJson.Options);
        return SendAsync(method, () => new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        }, idempotent, ct);
    }

    private Task<JsonNode> CallGetAsync(string method, Dictionary<string, string> query, CancellationToken ct)
    {
        var qs = string.Join('&', query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        return SendAsync(method, () => new HttpRequestMessage(HttpMethod.Get, $"{method}?{qs}"), idempotent: true, ct);
    }

    private async Task<JsonNode> SendAsync(string method, Func<HttpRequestMessage> request, bool idempotent, CancellationToken ct)
    {
        if (_pausedUntil.TryGetValue(method, out var until) && until > _clock.GetUtcNow())
            throw new SlackRateLimitedException(method, until - _clock.GetUtcNow());

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await _http.SendAsync(request(), ct);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(60);
                    _pausedUntil[method] = _clock.GetUtcNow() + wait;
                    SpeBot.Core.Telemetry.RateLimited.Add(1, new("spebot.platform", "slack"), new("spebot.api.method", method));
                    LogRateLimited(method, wait.TotalSeconds);
                    throw new SlackRateLimitedException(method, wait);
                }
                if ((int)response.StatusCode >= 500) throw new HttpRequestException($"HTTP {(int)response.StatusCode}", null, response.StatusCode);
                // Slack answers 200 with ok:false for its own errors; any other 4xx (a wrong URL, a refused request) is
                // answered the same way however often it is asked, so it is permanent rather than a transport retry.
                if (!response.IsSuccessStatusCode)
                {
                    LogFailed(method, $"http_{(int)response.StatusCode}");
                    throw new SlackApiException(method, $"http_{(int)response.StatusCode}");
                }
                var node = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))
                           ?? throw new SlackTransportException(method, "empty response");
                if (node["ok"]?.GetValue<bool>() != true)
                {
                    var error = node["error"]?.GetValue<string>() ?? "unknown_error";
                    Failed(method, error);
                    LogFailed(method, error);
                    throw new SlackApiException(method, error);
                }
                return node;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested
                                      || e is JsonException)
            {
                if (!idempotent || attempt >= IdempotentRetries)
                {
                    Failed(method, e is HttpRequestException { StatusCode: { } status } ? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : e is TaskCanceledException ? "timeout" : e.GetType().Name);
                    throw new SlackTransportException(method, e is TaskCanceledException ? "timeout" : e.Message, e);
                }
                var delay = TimeSpan.FromMilliseconds(200 * Math.Pow(3, attempt) * (0.5 + Random.Shared.NextDouble()));
                LogRetrying(method, attempt + 1, e.Message);
                await Task.Delay(delay, _clock, ct);
            }
        }
    }

    /// <summary>Slack's error codes are a fixed vocabulary (channel_not_found, not_in_channel…), safe as an attribute.</summary>
    private static void Failed(string method, string error) =>
        SpeBot.Core.Telemetry.ApiErrors.Add(1, new("spebot.platform", "slack"), new("spebot.api.method", method), new("error.type", error));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} answered ok:false with {Error}")]
    private partial void LogFailed(string method, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} rate limited; paused for {Seconds:0} s")]
    private partial void LogRateLimited(string method, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack {Method} retry {Attempt} after {Reason}")]
    private partial void LogRetrying(string method, int attempt, string reason);
}

public sealed record PostedTs(string Channel, string Ts);

public sealed record SlackUserInfo(string Id, string? Locale, string? TimeZone, bool IsBot, string? DisplayName);
