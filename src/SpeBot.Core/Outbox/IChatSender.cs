namespace SpeBot.Core.Outbox;

/// <summary>Delivers one outbox row on one platform, rendering the neutral body in the reader's locale.</summary>
public interface IChatSender
{
    Platform Platform { get; }

    Task<SendResult> SendAsync(OutboxRow row, CancellationToken ct);
}

public abstract record SendResult
{
    /// <summary>Delivered; <paramref name="Map"/> records the posted message so later reactions and clicks find it.</summary>
    public sealed record Sent(string? ExternalId, PostedMessage? Map = null) : SendResult;

    /// <summary>The platform asked to wait; the attempt does not count.</summary>
    public sealed record RateLimited(TimeSpan RetryAfter) : SendResult;

    /// <summary>Worth another try with backoff (5xx, timeout, network).</summary>
    public sealed record Transient(string Error) : SendResult;

    /// <summary>Will never work (channel gone, bot removed): dead-lettered.</summary>
    public sealed record Permanent(string Error) : SendResult;

    /// <summary>Not ready yet (an update whose card is not posted); the attempt does not count.</summary>
    public sealed record Deferred(TimeSpan Wait, string Reason) : SendResult;
}
