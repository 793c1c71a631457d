namespace SpeBot.Core.Schedules;

public static class ScheduleKinds
{
    public const string Digest = "digest";
    public const string Nudge = "nudge";
    public const string Retro = "retro";
    public const string Handoff = "handoff";

    public static readonly IReadOnlyList<string> All = [Digest, Nudge, Retro, Handoff];
}

/// <summary>A row of <c>schedules</c> (Dapper row): one recurring post of one kind into one channel.</summary>
public sealed class Schedule
{
    public long Id { get; init; }
    public long WorkspaceId { get; init; }
    public string Kind { get; init; } = "";
    public string Platform { get; init; } = "slack";
    public string ChannelId { get; init; } = "";
    public string Cron { get; init; } = "";
    public string TimeZone { get; init; } = "UTC";
    public bool Enabled { get; init; }
    public string? Args { get; init; }
    public string Source { get; init; } = "chat";
    public string? CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public TimeZoneInfo Zone => When.Zone(TimeZone) ?? TimeZoneInfo.Utc;

    public Cron Expression => Schedules.Cron.TryParse(Cron, out var c) ? c : throw new FormatException($"Schedule {Id} has an invalid cron '{Cron}'.");
}

/// <summary>Loads schedules into the scheduler again after a change; the Host implements it with Quartz.</summary>
public interface IScheduleSync
{
    Task SyncAsync(CancellationToken ct);
}

/// <summary>A schedule as configured in the "Schedules" section (seeded at start-up, source = 'config').</summary>
public sealed class ConfiguredSchedule
{
    public string Platform { get; set; } = "slack";
    /// <summary>Slack team id or Teams tenant id.</summary>
    public string Workspace { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Channel { get; set; } = "";
    /// <summary>A Quartz cron expression or a plain form such as "mon 09:00".</summary>
    public string When { get; set; } = "";
    /// <summary>IANA zone; empty means SpeBot:DefaultTimeZone.</summary>
    public string? TimeZone { get; set; }
}
