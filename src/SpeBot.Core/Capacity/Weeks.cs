namespace SpeBot.Core.Capacity;

/// <summary>Capacity is counted per week, Monday 00:00 to Monday 00:00 in the workspace's own time zone.</summary>
public static class Weeks
{
    /// <summary>The UTC bounds of the local week containing <paramref name="instant"/>, shifted by <paramref name="offset"/> weeks.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Of(DateTimeOffset instant, TimeZoneInfo zone, int offset = 0)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var daysSinceMonday = ((int)local.DayOfWeek + 6) % 7;
        var monday = local.Date.AddDays(-daysSinceMonday + 7 * offset);
        return (AtLocalMidnight(monday, zone), AtLocalMidnight(monday.AddDays(7), zone));
    }

    /// <summary>Local midnight as UTC; a midnight skipped by a DST jump becomes the first valid local time after it.</summary>
    private static DateTimeOffset AtLocalMidnight(DateTime date, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(date, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    public static TimeZoneInfo Zone(string? id, string fallback) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id ?? fallback, out var z) ? z
        : TimeZoneInfo.TryFindSystemTimeZoneById(fallback, out var f) ? f : TimeZoneInfo.Utc;
}
