using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SpeBot.Host.Teams;

/// <summary>A Connector answer that is not success. Retryable ones carry the Retry-After when Teams sent one.</summary>
public sealed class ConnectorException(HttpStatusCode status, string? code, TimeSpan? retryAfter)
    : Exception($"Bot Connector HTTP {(int)status}{(code is null ? "" : " " + code)}")
{
    public HttpStatusCode Status { get; } = status;
    public string? Code { get; } = code;
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>429 and 412/502/503/504 and other 5xx are worth another try; 4xx (403 MessageWritesBlocked, 404) are not.</summary>
    public bool IsTransient => (int)Status is 429 or 412 or >= 500;
}

/// <summary>The new conversation (channel thread or 1:1) and the id of its first activity.</summary>
public sealed record ConversationResource(string Id, string? ActivityId);

/// <summary>
/// The Connector operations SpeBot uses, and only those (teams-platform.md §5). The base is the stored serviceUrl;
/// the token is added by <see cref="BotTokenHandler"/>. Retries belong to the outbox, which paces per conversation.
/// </summary>
public sealed partial class BotConnectorClient(HttpClient http, TimeProvider clock, ILogger<BotConnectorClient> log)
{
    /// <summary>POST /v3/conversations/{id}/activities: a new message at the end of the conversation or thread.</summary>
    public async Task<string?> SendAsync(string serviceUrl, string conversationId, JsonObject activity, CancellationToken ct = default) =>
        Id(await CallAsync(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities", activity, ct));

    /// <summary>POST /v3/conversations/{id}/activities/{activityId}: a reply to one activity.</summary>
    public async Task<string?> ReplyAsync(string serviceUrl, string conversationId, string activityId, JsonObject activity, CancellationToken ct = default)
    {
        activity["replyToId"] = activityId;
        return Id(await CallAsync(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", activity, ct));
    }

    /// <summary>PUT /v3/conversations/{id}/activities/{activityId}: replaces the bot's own message (card refresh).</summary>
    public async Task UpdateAsync(string serviceUrl, string conversationId, string activityId, JsonObject activity, CancellationToken ct = default)
    {
        activity["id"] = activityId;
        await CallAsync(HttpMethod.Put, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", activity, ct);
    }

    /// <summary>POST /v3/conversations: a new thread in a channel (proactive post) with its first message.</summary>
    public async Task<ConversationResource> CreateConversationAsync(string serviceUrl, JsonObject parameters, CancellationToken ct = default)
    {
        var body = await CallAsync(HttpMethod.Post, serviceUrl, "v3/conversations", parameters, ct);
        var id = body?["id"]?.GetValue<string>() ?? throw new ConnectorException(HttpStatusCode.BadGateway, "NoConversationId", null);
        return new ConversationResource(id, body["activityId"]?.GetValue<string>());
    }

    private async Task<JsonObject?> CallAsync(HttpMethod method, string serviceUrl, string path, JsonObject body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, $"{ServiceUrls.Base(serviceUrl)}/{path}")
        {
            Content = new StringContent(BotJson.Serialize(body), Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.Headers.TryGetValues("X-Correlating-OperationId", out var op)) LogCall(log, method.Method, path, (int)response.StatusCode, string.Join(",", op));
        JsonObject? json = null;
        try
        {
            json = text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            // Error pages from proxies are not JSON; the status code says enough.
        }
        if (response.IsSuccessStatusCode) return json;
        // Counted by operation (the verb), never by path: a path carries conversation ids.
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
            SpeBot.Core.Telemetry.RateLimited.Add(1, new("spebot.platform", "teams"), new("spebot.api.method", method.Method));
        else
            SpeBot.Core.Telemetry.ApiErrors.Add(1, new("spebot.platform", "teams"), new("spebot.api.method", method.Method),
                new("error.type", ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var retryAfter = response.Headers.RetryAfter?.Delta
            ?? (response.Headers.RetryAfter?.Date is { } at ? at - clock.GetUtcNow() : null);
        throw new ConnectorException(response.StatusCode, json?["error"]?["code"]?.GetValue<string>(), retryAfter);
    }

    private static string? Id(JsonObject? body) => body?["id"]?.GetValue<string>();

    private static string Escape(string s) => Uri.EscapeDataString(s);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connector {Method} {Path} → {Status} (operation {OperationId})")]
    private static partial void LogCall(ILogger log, string method, string path, int status, string operationId);
}
