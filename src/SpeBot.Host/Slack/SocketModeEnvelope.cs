using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SpeBot.Host.Slack;

/// <summary>
/// One Socket Mode frame from Slack. Envelopes carry what HTTP would have POSTed:
/// <c>{"envelope_id","type":"events_api"|"slash_commands"|"interactive","accepts_response_payload","payload",
/// "retry_attempt","retry_reason"}</c>; control frames are <c>hello</c> and <c>disconnect</c> (with a <c>reason</c>).
/// https://docs.slack.dev/apis/events-api/using-socket-mode
/// </summary>
public sealed record SocketModeFrame(
    string? Type, string? EnvelopeId, bool AcceptsResponsePayload, JsonElement? Payload, int? RetryAttempt, string? RetryReason,
    string? Reason, int? NumConnections)
{
    public static SocketModeFrame? Parse(ReadOnlySpan<byte> utf8)
    {
        using var doc = JsonDocument.Parse(utf8.ToArray());
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return null;
        string? Str(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        int? Int(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
        return new SocketModeFrame(
            Str("type"), Str("envelope_id"),
            root.TryGetProperty("accepts_response_payload", out var a) && a.ValueKind == JsonValueKind.True,
            root.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object ? p.Clone() : null,
            Int("retry_attempt"), Str("retry_reason"), Str("reason"), Int("num_connections"));
    }

    public bool IsEnvelope => EnvelopeId is not null && Type is "events_api" or "slash_commands" or "interactive";

    /// <summary>A redelivery is treated like an HTTP retry; attempt 0 (or none) is the first delivery.</summary>
    public SlackRetry? Retry => RetryAttempt is > 0 ? new SlackRetry(RetryAttempt.Value, RetryReason, "socket") : null;

    /// <summary>
    /// The body Slack would have POSTed to the request URL for this payload: events as the JSON itself, a slash command
    /// as its form fields, an interaction as the form field <c>payload</c> holding the JSON. The dispatcher then reads
    /// it exactly as it reads an HTTP request.
    /// </summary>
    public SlackRequest? ToRequest()
    {
        if (Payload is not { } payload) return null;
        switch (Type)
        {
            case "events_api":
                return SlackRequest.Parse(Encoding.UTF8.GetBytes(payload.GetRawText()), "application/json");
            case "slash_commands":
                var fields = payload.EnumerateObject().Select(p =>
                    $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())}");
                return SlackRequest.Parse(Encoding.UTF8.GetBytes(string.Join('&', fields)), "application/x-www-form-urlencoded");
            case "interactive":
                return SlackRequest.Parse(Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.GetRawText())), "application/x-www-form-urlencoded");
            default:
                return null;
        }
    }

    /// <summary>
    /// The ack: the envelope id, plus the answer's JSON as <c>payload</c> when Slack accepts one (a command's reply, a
    /// view_submission's response_action). An empty answer acks with the id alone, as an empty 200 would.
    /// </summary>
    public byte[] Ack(SlackAck answer)
    {
        var ack = new JsonObject { ["envelope_id"] = EnvelopeId };
        if (AcceptsResponsePayload && answer.IsSuccess && answer.Body.Length > 0)
        {
            ack["payload"] = IsJson(answer.ContentType)
                ? JsonNode.Parse(answer.Body)
                : new JsonObject { ["text"] = Encoding.UTF8.GetString(answer.Body) };
        }
        return Encoding.UTF8.GetBytes(ack.ToJsonString());
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
}
