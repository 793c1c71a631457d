using SpeBot.Core.Schedules;

namespace SpeBot.Tests.Core.Schedules;

public sealed class CronTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    [Theory]
    [InlineData("mon 09:00", "0 0 9 ? * MON")]
    [InlineData("Monday 9:05", "0 5 9 ? * MON")]
    [InlineData("mon,thu 09:00", "0 0 9 ? * MON,THU")]
    [InlineData("weekdays 09:30", "0 30 9 ? * MON-FRI")]
    [InlineData("daily 18:00", "0 0 18 * * ?")]
    [InlineData("0 0 9 ? * mon", "0 0 9 ? * MON")]
    [InlineData("0 */15 9-17 ? * MON-FRI *", "0 */15 9-17 ? * MON-FRI *")]
    public void PlainFormsAndCronExpressionsBecomeNormalisedQuartzCron(string when, string cron)
    {
        Assert.True(When.TryParse(when, out var parsed));
        Assert.Equal(cron, parsed.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("someday")]
    [InlineData("mon 25:00")]
    [InlineData("mon 9")]
    [InlineData("0 0 9 * * MON")]
    [InlineData("0 0 9 L * ?")]
    [InlineData("0 0 9 ? * MON 2027")]
    [InlineData("0 60 9 ? * MON")]
    public void UnreadableWhenIsRejected(string when) => Assert.False(When.TryParse(when, out _));

    [Fact]
    public void LatestPeriodIsTheLastOccurrenceAtOrBeforeNowInTheScheduleZone()
    {
        When.TryParse("mon 09:00", out var cron);
        // Wednesday 2026-11-04 12:00 UTC; Monday 09:00 Tokyo is Monday 00:00 UTC.
        var latest = cron.Latest(new DateTimeOffset(2026, 11, 4, 12, 0, 0, TimeSpan.Zero), Tokyo);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero), latest);
        Assert.Equal(latest, cron.Latest(latest!.Value, Tokyo));
        Assert.Equal(latest.Value.AddDays(-7), cron.Latest(latest.Value.AddSeconds(-1), Tokyo));
    }

    [Theory]
    [InlineData("0 30 2 * * ?", 2026, 3, 6)]   // 02:30 does not exist on 2026-03-08 in New York
    [InlineData("0 30 1 * * ?", 2026, 10, 30)] // 01:30 happens twice on 2026-11-01
    [InlineData("0 0 * * * ?", 2026, 3, 7)]    // hourly across the spring gap
    [InlineData("0 0 * * * ?", 2026, 10, 31)]  // hourly across the repeated hour
    public void DstChangesNeitherSkipNorDoubleAPeriod(string expression, int y, int m, int d)
    {
        Assert.True(Cron.TryParse(expression, out var cron));
        var start = new DateTimeOffset(y, m, d, 0, 0, 0, TimeSpan.Zero);
        var periods = new List<DateTimeOffset>();
        for (var t = start; t < start.AddDays(4); t = t.AddMinutes(5))
        {
            if (cron.Latest(t, NewYork) is { } p && (periods.Count == 0 || periods[^1] != p)) periods.Add(p);
        }
        Assert.Equal(periods.Count, periods.Distinct().Count());
        Assert.True(periods.SequenceEqual(periods.Order()));
        if (expression.Contains(" * * * ?", StringComparison.Ordinal))
        {
            // Every local hour that exists gets exactly one period (23 on the spring day, 24 otherwise; the repeated hour once).
            var perDay = periods.GroupBy(p => TimeZoneInfo.ConvertTime(p, NewYork).Date).Select(g => g.Count()).ToList();
            Assert.All(perDay.Skip(1).SkipLast(1), c => Assert.InRange(c, 23, 24));
        }
        else
        {
            var days = periods.Select(p => TimeZoneInfo.ConvertTime(p, NewYork).Date).ToList();
            Assert.Equal(days.Count, days.Distinct().Count());
            Assert.Equal((days[^1] - days[0]).Days + 1, days.Count);
        }
    }

    [Theory]
    [InlineData("0 30 2 * * ?")]
    [InlineData("0 30 1 * * ?")]
    [InlineData("0 0 9 ? * MON-FRI")]
    public void EveryQuartzFireAcrossDstLandsInItsOwnCorePeriod(string expression)
    {
        // Quartz decides when the job runs, the core decides which period that run claims: each fire must claim a new one.
        var quartz = new Quartz.CronExpression(expression, NewYork);
        Assert.True(Cron.TryParse(expression, out var cron));
        foreach (var from in new[] { new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 29, 0, 0, 0, TimeSpan.Zero) })
        {
            var claimed = new HashSet<DateTimeOffset>();
            var fire = quartz.GetNextValidTimeAfter(from)!.Value;
            for (var i = 0; i < 8; i++)
            {
                var period = cron.Latest(fire, NewYork);
                Assert.NotNull(period);
                Assert.True(claimed.Add(period.Value), $"fire {fire:O} reclaimed period {period:O}");
                fire = quartz.GetNextValidTimeAfter(fire)!.Value;
            }
        }
    }
}
