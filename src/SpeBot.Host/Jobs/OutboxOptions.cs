using System.ComponentModel.DataAnnotations;

namespace SpeBot.Host.Jobs;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    [Range(1, 50, ErrorMessage = "Outbox:MaxAttempts must be between {1} and {2}.")]
    public int MaxAttempts { get; set; } = 8;

    [Range(50, 60_000, ErrorMessage = "Outbox:PollIntervalMs must be between {1} and {2} milliseconds.")]
    public int PollIntervalMs { get; set; } = 2_000;

    [Range(1, 64, ErrorMessage = "Outbox:Concurrency must be between {1} and {2}.")]
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// Shortest time between two looks for due rows: wakes within it are served by one claim. Under a burst every commit
    /// wakes the dispatcher, and each channel posts at most about once a second anyway: a claim every 100 ms keeps cards
    /// prompt while a busy queue costs ten claims a second per instance, not fifty (a claim on PostgreSQL took about a
    /// millisecond of server time with a deep backlog).
    /// </summary>
    [Range(0, 1_000, ErrorMessage = "Outbox:ClaimGapMs must be between {1} and {2} milliseconds.")]
    public int ClaimGapMs { get; set; } = 100;

    /// <summary>Slack allows about one message per second per channel.</summary>
    [Range(0, 60_000, ErrorMessage = "Outbox:ChannelIntervalMs must be between {1} and {2} milliseconds.")]
    public int ChannelIntervalMs { get; set; } = 1_000;

    /// <summary>
    /// Shortest time between two sends to one Teams tenant: Teams allows an app 30 (some say 50) requests per second
    /// per tenant, so SpeBot keeps to 20 and a digest day of many channels never draws 429s.
    /// </summary>
    [Range(0, 10_000, ErrorMessage = "Outbox:TeamsTenantIntervalMs must be between {1} and {2} milliseconds.")]
    public int TeamsTenantIntervalMs { get; set; } = 50;

    /// <summary>First retry delay; doubles per attempt up to <see cref="MaxBackoffMs"/>, with ±20 % jitter.</summary>
    [Range(10, 600_000, ErrorMessage = "Outbox:BaseBackoffMs must be between {1} and {2} milliseconds.")]
    public int BaseBackoffMs { get; set; } = 2_000;

    [Range(10, 3_600_000, ErrorMessage = "Outbox:MaxBackoffMs must be between {1} and {2} milliseconds.")]
    public int MaxBackoffMs { get; set; } = 600_000;
}
