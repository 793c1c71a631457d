using SpeBot.Core.Capacity;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;
using Dapper;

namespace SpeBot.Tests.Core;

public sealed class CapacityTests
{
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void WeekStartsOnMondayMidnightInTheWorkspaceZone()
    {
        // Sunday 2026-11-29 20:00 UTC is already Monday 05:00 in Tokyo.
        var (start, end) = Weeks.Of(new DateTimeOffset(2026, 11, 29, 20, 0, 0, TimeSpan.Zero), Tokyo);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 15, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(TimeSpan.FromDays(7), end - start);

        var (utcStart, _) = Weeks.Of(new DateTimeOffset(2026, 11, 29, 20, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), utcStart);
    }

    [Fact]
    public void WeekAcrossADstChangeIsShorterOrLongerButContiguous()
    {
        // The week of 2026-03-08 (US spring forward) has 167 hours; the previous week ends where it starts.
        var (start, end) = Weeks.Of(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero), NewYork);
        var (_, previousEnd) = Weeks.Of(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero), NewYork, -1);
        Assert.Equal(start, previousEnd);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 4, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(TimeSpan.FromDays(7), end - start);
        var (fallStart, fallEnd) = Weeks.Of(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero), NewYork);
        Assert.Equal(TimeSpan.FromHours(24 * 7 + 1), fallEnd - fallStart);
    }

    [Theory]
    [Providers]
    public async Task DeliveredCountsLoggedHoursAndEffortOfDoneItemsWithoutLogsPerPeriod(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var store = new CapacityStore(t.Db, t.Clock, t.Options);
        var ws = await t.Workspaces.EnsureAsync(SpeBot.Core.Platform.Slack, "T1");
        await store.PledgeAsync(ws.Id, "sre", 10, "U1");
        var logged = await AddDoneAsync(t, ws.Id, "sre", effort: 5);
        var unlogged = await AddDoneAsync(t, ws.Id, "sre", effort: 2);
        var otherTeam = await AddDoneAsync(t, ws.Id, null, effort: null);
        await t.Db.WriteAsync((c, tx) => c.ExecuteAsync(
            "INSERT INTO work_logs (item_id, user_id, hours, logged_at) VALUES (@logged, 'U1', 3.5, @now)",
            new { logged, now = Iso.Of(t.Clock.GetUtcNow()) }, tx));

        var (start, end) = Weeks.Of(t.Clock.GetUtcNow(), Tokyo);
        var week = await store.WeekAsync(ws.Id, start, end, null);
        var sre = week.Single(l => l.Team == "sre");
        Assert.Equal(10, sre.Pledged);
        Assert.Equal(3.5 + 2 * 4, sre.Delivered);
        Assert.Equal(3 * 4, week.Single(l => l.Team == CapacityStore.NoTeam).Delivered);

        var (lastStart, lastEnd) = Weeks.Of(t.Clock.GetUtcNow(), Tokyo, -1);
        Assert.Empty(await store.WeekAsync(ws.Id, lastStart, lastEnd, "nobody"));
        // The pledge was made this week, so last week had none.
        Assert.Empty(await store.WeekAsync(ws.Id, lastStart, lastEnd, "sre"));
        Assert.True(unlogged > 0 && otherTeam > 0);
    }

    [Theory]
    [InlineData("4", 4.0)]
    [InlineData("2.5", 2.5)]
    [InlineData("2,5", 2.5)]
    [InlineData("１．５", 1.5)]
    [InlineData("3h", 3.0)]
    public void HoursAcceptCommonWritings(string text, double expected)
    {
        Assert.True(Hours.TryParse(text, out var hours));
        Assert.Equal(expected, hours);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("169")]
    [InlineData("lots")]
    [InlineData("")]
    public void HoursRefuseNonsense(string text) => Assert.False(Hours.TryParse(text, out _));

    private static async Task<long> AddDoneAsync(TestDatabase t, long workspaceId, string? team, int? effort)
    {
        var (item, _) = await t.Proposals.SubmitAsync(SpeBot.Core.Platform.Slack, new NewItem(workspaceId, "x", "slack", "U1", Team: team, Effort: effort), "C1", default);
        await t.Db.WriteAsync((c, tx) => c.ExecuteAsync("UPDATE items SET status = 'done', done_at = @now WHERE id = @Id",
            new { now = Iso.Of(t.Clock.GetUtcNow()), item.Id }, tx));
        return item.Id;
    }
}
