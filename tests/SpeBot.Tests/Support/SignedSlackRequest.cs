using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeBot.Host.Slack;

namespace SpeBot.Tests.Support;

/// <summary>Builds requests to /slack/events signed the way Slack signs them.</summary>
public static class SignedSlackRequest
{
    public const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";

    public static HttpRequestMessage Form(IEnumerable<KeyValuePair<string, string>> fields, DateTimeOffset? at = null, string secret = Secret)
    {
        var body = string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
        return Signed(body, "application/x-www-form-urlencoded", at, secret);
    }

    public static HttpRequestMessage Command(string text, string user = "U111", string channel = "C100", string team = "T1",
        string? responseUrl = null, string? triggerId = "trigger-1", DateTimeOffset? at = null) =>
        Form(new Dictionary<string, string>
        {
            ["token"] = "legacy", ["team_id"] = team, ["team_domain"] = "acme", ["channel_id"] = channel, ["channel_name"] = "ops",
            ["user_id"] = user, ["user_name"] = "someone", ["command"] = "/spe", ["text"] = text, ["api_app_id"] = "A1",
            ["response_url"] = responseUrl ?? "https://hooks.slack.com/commands/T1/1/abc", ["trigger_id"] = triggerId ?? "",
        }, at);

    public static HttpRequestMessage Interaction(object payload, DateTimeOffset? at = null) =>
        Form(new Dictionary<string, string> { ["payload"] = JsonSerializer.Serialize(payload) }, at);

    public static HttpRequestMessage Json(object body, DateTimeOffset? at = null, string secret = Secret) =>
        Signed(body is JsonNode n ? n.ToJsonString() : JsonSerializer.Serialize(body), "application/json", at, secret);

    /// <summary>A reaction event envelope.</summary>
    public static HttpRequestMessage Reaction(string eventId, string user, string reaction, string channel, string ts, bool added = true,
        string team = "T1", string? eventTs = null) =>
        Json(new
        {
            type = "event_callback", team_id = team, api_app_id = "A1", event_id = eventId, event_time = 1_700_000_000,
            @event = new
            {
                type = added ? "reaction_added" : "reaction_removed", user, reaction, item_user = "U999",
                item = new { type = "message", channel, ts }, event_ts = eventTs ?? $"1700000000.{StableHash(eventId) % 1_000_000:D6}",
            },
        });

    // string.GetHashCode is randomised per process; a redelivery must carry the same event_ts in every run.
    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s) h = unchecked(h * 31 + c);
        return h & 0x7fffffff;
    }

    public static HttpRequestMessage Signed(string body, string contentType, DateTimeOffset? at = null, string secret = Secret)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var ts = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(bytes, ts, secret));
        return request;
    }
}
