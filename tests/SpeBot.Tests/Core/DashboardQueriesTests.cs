using Dapper;
using SpeBot.Core.Capacity;
using SpeBot.Core.Dashboard;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

/// <summary>The dashboard's reads on a real database: the same numbers as the chat commands, the right percentiles.</summary>
public sealed class DashboardQueriesTests : IDisposable
{
    private readonly TestDatabase _t = new();
    private readonly DashboardQueries _q;
    private readonly CapacityStore _capacity;
    private long _ws;

    public DashboardQueriesTests()
    {
        _q = new DashboardQueries(_t.Db, _t.Items, _t.Queries, _t.Workspaces, _t.Clock, _t.Options);
        _capacity = new CapacityStore(_t.Db, _t.Clock, _t.Options);
        _ws = _t.Workspaces.EnsureAsync(SpeBot.Core.Platform.Slack, "T1").GetAwaiter().GetResult().Id;
    }

    public void Dispose() => _t.Dispose();

    private async Task<long> ItemAsync(long number, string category, string team, string status, DateTimeOffset created, DateTimeOffset? done, int? effort = null)
    {
        return await _t.Db.WriteAsync((c, tx) => c.ExecuteScalarAsync<long>("""
            INSERT INTO items (workspace_id, number, title, category, status, author_platform, author_id, team, created_at, updated_at, done_at, done_by, effort)
            VALUES (@ws, @number, 'item', @category, @status, 'slack', 'U1', @team, @created, @created, @done, @doneBy, @effort) RETURNING id
            """, new { ws = _ws, number, category, status, team, created = Iso.Of(created), done = done is { } d ? Iso.Of(d) : null, doneBy = done is null ? null : "U9", effort }, tx));
    }

    [Fact]
    public async Task Capacity_per_week_matches_what_the_capacity_command_counts()
    {
        var now = _t.Clock.GetUtcNow();
        await _capacity.PledgeAsync(_ws, "sre", 10, "U1");
        await ItemAsync(1, "cost", "sre", "done", now.AddDays(-20), now.AddMinutes(-30), effort: 2);
        var logged = await ItemAsync(2, "cost", "sre", "done", now.AddDays(-20), now.AddMinutes(-20), effort: 5);
        await ItemAsync(3, "cost", "data", "done", now.AddDays(-9), now.AddDays(-7));
        await _t.Db.WriteAsync((c, tx) => c.ExecuteAsync("INSERT INTO work_logs (item_id, user_id, hours, logged_at) VALUES (@logged, 'U1', 3.5, @at)",
            new { logged, at = Iso.Of(now.AddMinutes(-10)) }, tx));

        var rows = await _q.CapacityAsync(_ws);
        foreach (var k in new[] { 0, -1 })
        {
            var (start, end) = Weeks.Of(now, TimeZoneInfo.Utc, k);
            var expected = await _capacity.WeekAsync(_ws, start, end, null);
            var actual = rows.Where(r => r.Week == start).Select(r => (r.Team, r.Pledged, r.Delivered)).ToList();
            Assert.Equal(expected.Select(l => (l.Team, l.Pledged, l.Delivered)), actual);
        }
        Assert.Contains(rows, r => r.Team == "sre" && r.Delivered == 2 * 4 + 3.5);
    }

    [Fact]
    public async Task Lead_times_give_the_median_and_the_90th_percentile_per_category_in_days()
    {
        var now = _t.Clock.GetUtcNow();
        for (var d = 1; d <= 10; d++) await ItemAsync(d, "security", "sre", "done", now.AddDays(-d - 30), now.AddDays(-30));
        await ItemAsync(11, "cost", "sre", "accepted", now.AddDays(-3), null);
        var lead = Assert.Single(await _q.LeadTimesAsync(_ws));
        Assert.Equal(("security", 10, 5.0, 9.0), (lead.Category, lead.Items, lead.MedianDays, lead.P90Days));
    }

    [Fact]
    public async Task Weekly_flow_funnel_and_recognition_count_this_workspace_only()
    {
        var now = _t.Clock.GetUtcNow();
        await ItemAsync(1, "cost", "sre", "done", now.AddHours(-5), now.AddHours(-1));
        await ItemAsync(2, "cost", "sre", "proposed", now.AddDays(-8), null);
        var other = (await _t.Workspaces.EnsureAsync(SpeBot.Core.Platform.Slack, "T2")).Id;
        (_ws, other) = (other, _ws);
        await ItemAsync(1, "cost", "sre", "done", now.AddHours(-5), now.AddHours(-1));
        (_ws, other) = (other, _ws);

        var flow = await _q.WeeklyFlowAsync(_ws);
        Assert.Equal(DashboardQueries.Weeks, flow.Count);
        Assert.Equal((1, 1), (flow[^1].Proposed, flow[^1].Done));
        Assert.Equal(2, flow.Sum(w => w.Proposed));
        Assert.Equal([2L, 1L, 1L, 1L], (await _q.FunnelAsync(_ws)).Select(s => s.Items));
        var r = Assert.Single(await _q.RecognitionAsync(_ws));
        Assert.Equal(("U9", 1), (r.UserId, r.Done));
    }

    [Theory]
    [InlineData("2026-11-02T09:00:00.000Z")]
    [InlineData("2024-02-29T23:59:59.999Z")]
    public void Fast_ticks_read_stored_times_as_the_general_parser_does(string t) =>
        Assert.Equal(Iso.Parse(t).UtcTicks, DashboardQueries.FastTicks(t));
}
