namespace SpeBot.Core.Schedules;

/// <summary>Nudges reach people only on working days inside working hours, in their own time zone.</summary>
public static class WorkingHours
{
    /// <summary>Null when <paramref name="now"/> is inside working hours in <paramref name="zone"/>; otherwise the next start.</summary>
    public static DateTimeOffset? NextStart(DateTimeOffset now, TimeZoneInfo zone, ScheduleOptions o)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        if (IsWorkday(local.DayOfWeek, o) && local.Hour >= o.WorkdayStartHour && local.Hour < o.WorkdayEndHour) return null;
        var day = local.Date;
        if (local.Hour >= o.WorkdayStartHour) day = day.AddDays(1);
        while (!IsWorkday(day.DayOfWeek, o)) day = day.AddDays(1);
        return Cron.ToInstant(day.AddHours(o.WorkdayStartHour), zone);
    }

    private static bool IsWorkday(DayOfWeek d, ScheduleOptions o) => o.WorkDays.Contains(d);
}

/// <summary>Where a person's time zone comes from (Slack users.info); the adapter implements it so the core never sees Slack types.</summary>
public interface IUserTimeZones
{
    Task<string?> LookupAsync(long workspaceId, string userId, CancellationToken ct);
}
