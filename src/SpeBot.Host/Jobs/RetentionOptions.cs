using System.ComponentModel.DataAnnotations;

namespace SpeBot.Host.Jobs;

/// <summary>Section "Retention": how long delivered rows are kept before the hourly housekeeping deletes them.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Sent outbox rows (what was posted, kept for looking back). Dead rows stay until retried or deleted.</summary>
    [Range(1, 3650, ErrorMessage = "Retention:SentOutboxDays must be between {1} and {2} days.")]
    public int SentOutboxDays { get; set; } = 7;

    /// <summary>
    /// Platform event ids already applied. Kept longer than any platform retries an event (Slack: up to a day with
    /// Delayed Events; Teams: minutes), or a late retry would apply twice.
    /// </summary>
    [Range(2, 3650, ErrorMessage = "Retention:InboxDays must be between {1} and {2} days (Slack may retry an event for a day).")]
    public int InboxDays { get; set; } = 7;
}
