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

/// <summary>Where a person's time zone comes from; <see cref="UserTimeZones"/> asks the workspace's platform.</summary>
public interface IUserTimeZones
{
    Task<string?> LookupAsync(long workspaceId, string userId, CancellationToken ct);
}

/// <summary>
/// One platform's source of a person's IANA zone (Slack users.info, the zone Teams sends with each activity); adapters
/// implement it so the core never sees their types.
/// </summary>
public interface IPlatformTimeZones
{
    Platform Platform { get; }
    Task<string?> LookupAsync(string userId, CancellationToken ct);
}

/// <summary>Asks the platform of the person's workspace, so a Teams id never reaches Slack's API or the reverse.</summary>
public sealed class UserTimeZones(Workspaces.WorkspaceStore workspaces, IEnumerable<IPlatformTimeZones> platforms) : IUserTimeZones
{
    public async Task<string?> LookupAsync(long workspaceId, string userId, CancellationToken ct)
    {
        var workspace = await workspaces.GetAsync(workspaceId, ct);
        var source = workspace is null ? null : platforms.FirstOrDefault(p => p.Platform.Wire() == workspace.Platform);
        return source is null ? null : await source.LookupAsync(userId, ct);
    }
}
