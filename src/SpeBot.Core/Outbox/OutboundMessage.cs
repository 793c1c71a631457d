using System.Text.Json;

namespace SpeBot.Core.Outbox;

public static class OutboxKinds
{
    public const string ItemCard = "item_card";
    public const string CardUpdate = "card_update";
    public const string Notice = "notice";
    public const string Reaction = "reaction";
    public const string Capture = "capture";
    /// <summary>A reply rendered for one platform (late slash-command answers, button answers).</summary>
    public const string Reply = "reply";
    public const string Home = "home";
    public const string Export = "export";
    /// <summary>A channel digest, edited in place when its period runs again (body.Key = schedule id + period).</summary>
    public const string Digest = "digest";
    /// <summary>A DM with one person's stale claims; held until working hours in their zone.</summary>
    public const string Nudge = "nudge";
    /// <summary>A retro poll message (body.Key = poll id); recorded as posted kind 'poll'.</summary>
    public const string Poll = "poll";
    /// <summary>Re-render a poll in place: tally count while open, results once closed. Coalesces per poll.</summary>
    public const string PollUpdate = "poll_update";
    /// <summary>A handoff summary in the channel (body.Key = handoff id).</summary>
    public const string Handoff = "handoff";
    /// <summary>A DM to the incoming person with an Ack button; body.Args["reminder"] marks the one reminder.</summary>
    public const string HandoffDm = "handoff_dm";
}

/// <summary>
/// The platform-neutral body of an outbound post: references and catalog text, never rendered markup,
/// so the sender renders the latest state in the reader's locale at send time.
/// </summary>
public sealed record OutboundBody
{
    public long? ItemId { get; init; }
    /// <summary>For notices to one person (ephemeral or DM).</summary>
    public string? UserId { get; init; }
    public string? Locale { get; init; }
    public string? Key { get; init; }
    /// <summary>Argument values as text; names in <see cref="Mentions"/> render as mentions.</summary>
    public Dictionary<string, string>? Args { get; init; }
    public string[]? Mentions { get; init; }
    /// <summary>Message the post refers to (a reaction target, a capture source).</summary>
    public string? MessageId { get; init; }
    public string? Reaction { get; init; }
    public bool Ephemeral { get; init; }
    /// <summary>Where a late reply goes (Slack response_url); null posts ephemerally in the channel instead.</summary>
    public string? ResponseUrl { get; init; }
    /// <summary>A platform-rendered payload for <see cref="OutboxKinds.Reply"/> rows.</summary>
    public string? Payload { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static OutboundBody Parse(string json) => JsonSerializer.Deserialize<OutboundBody>(json, Json) ?? new OutboundBody();

    /// <summary>The notice text as a catalog message, with mention arguments restored.</summary>
    public Message? ToMessage()
    {
        if (Key is null) return null;
        var args = new Dictionary<string, object?>();
        foreach (var (k, v) in Args ?? [])
            args[k] = Mentions?.Contains(k) == true ? new UserRef(v) : v;
        return new Message(Key, args);
    }
}

/// <summary>A post to enqueue. <see cref="Coalesce"/> rows merge into a pending row with the same key (card updates).</summary>
public sealed record OutboundMessage(
    Platform Platform,
    long WorkspaceId,
    string ChannelId,
    string Kind,
    OutboundBody Body,
    string DedupeKey,
    bool Coalesce = false,
    TimeSpan Delay = default);

/// <summary>A claimed outbox row (Dapper row).</summary>
public sealed class OutboxRow
{
    public long Id { get; init; }
    public string Platform { get; init; } = "";
    public long WorkspaceId { get; init; }
    public string ChannelId { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Body { get; init; } = "{}";
    public string DedupeKey { get; init; } = "";
    public long Version { get; init; }
    public int Attempts { get; init; }
    public string? ExternalId { get; init; }
    /// <summary>W3C traceparent of the request that queued the row, while traces are exported.</summary>
    public string? TraceParent { get; init; }
    /// <summary>pending, sent or dead; filled by lookups, not by claims (claimed rows are pending).</summary>
    public string Status { get; init; } = "pending";
    /// <summary>
    /// The lease a claim took (the row's locked_until), null on a row not claimed. It is the claim's fencing token: a lease
    /// taken over after it expired ends later, so the outcome of a send is written only while the row still holds it.
    /// </summary>
    public string? LockedUntil { get; init; }
    /// <summary>
    /// When the post may start, set by a claim that paces the channel in the database (PostgreSQL, several instances);
    /// null when the dispatcher paces it in memory (SQLite, one process).
    /// </summary>
    public DateTimeOffset? StartAt { get; set; }

    public OutboundBody Parsed() => OutboundBody.Parse(Body);
}
