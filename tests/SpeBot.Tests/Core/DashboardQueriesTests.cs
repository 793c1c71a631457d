using Dapper;
using SpeBot.Core.Capacity;
using SpeBot.Core.Dashboard;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

/// <summary>The dashboard's reads on a real database: the same numbers as the chat commands, the right percentiles.</summary>
public sealed class DashboardQueriesTests : IDisposable
{
    private TestDatabase _t = null!;
    private DashboardQueries _q = null!;
    private CapacityStore _capacity = null!;
    private long _ws;

    private void Use(StorageProvider provider)
    {
        _t = new TestDatabase(provider);
        _q = new DashboardQueries(_t.Db, _t.Items, _t.Queries, _t.Workspaces, _t.Clock, _t.Options);
        _capacity = new CapacityStore(_t.Db, _t.Clock, _t.Options);
        _ws = _t.Workspaces.EnsureAsync(SpeBot.Core.Platform.Slack, "T1").GetAwaiter().GetResult().Id;
    }

    public void Dispose() => _t?.Dispose();

    private async Task<long> ItemAsync(long number, string category, string team, string status, DateTimeOffset created, DateTimeOffset? done, int? effort = null,
                                       string author = "U1")
    {
        // Counted and listed under its author as ItemStore does for a proposal (the dashboard's counts and person filter read them).
        return await _t.Db.WriteAsync(async (c, tx) =>
        {
            var id = await c.ExecuteScalarAsync<long>("""
                INSERT INTO items (workspace_id, number, title, category, status, author_platform, author_id, team, created_at, updated_at, done_at, done_by, effort)
                VALUES (@ws, @number, 'item', @category, @status, 'slack', @author, @team, @created, @created, @done, @doneBy, @effort) RETURNING id
                """, new { ws = _ws, author, number, category, status, team, created = Iso.Of(created), done = done is { } d ? Iso.Of(d) : null, doneBy = done is null ? null : "U9", effort }, tx);
            await _t.Items.RecordInsertedAsync(c, tx, _ws, author, status, category, number, id, default);
            return id;
        });
    }

    [Theory]
    [Providers]
    public async Task Capacity_per_week_matches_what_the_capacity_command_counts(StorageProvider provider)
    {
        Use(provider);
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

    [Theory]
    [Providers]
    public async Task Lead_times_give_the_median_and_the_90th_percentile_per_category_in_days(StorageProvider provider)
    {
        Use(provider);
        var now = _t.Clock.GetUtcNow();
        for (var d = 1; d <= 10; d++) await ItemAsync(d, "security", "sre", "done", now.AddDays(-d - 30), now.AddDays(-30));
        await ItemAsync(11, "cost", "sre", "accepted", now.AddDays(-3), null);
        var lead = Assert.Single(await _q.LeadTimesAsync(_ws));
        Assert.Equal(("security", 10, 5.0, 9.0), (lead.Category, lead.Items, lead.MedianDays, lead.P90Days));
    }

    [Theory]
    [Providers]
    public async Task Weekly_flow_funnel_and_recognition_count_this_workspace_only(StorageProvider provider)
    {
        Use(provider);
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
    [Providers]
    public async Task Accepted_per_week_counts_items_accepted_through_the_lifecycle_in_the_week_they_were_accepted(StorageProvider provider)
    {
        Use(provider);
        var lifecycle = new Lifecycle(_t.Db, _t.Items, _t.Cards, _t.Workspaces, new Notices(_t.Outbox), _t.Signal, _t.Clock, _t.Options);
        Assert.True(await _t.Workspaces.AddMaintainerAsync(_ws, "U9", "U9"));
        var maintainer = new Actor(SpeBot.Core.Platform.Slack, _ws, "U9", "C1");
        await _t.Proposals.SubmitAsync(SpeBot.Core.Platform.Slack, new NewItem(_ws, "Old one", "slack", "U1"), "C1", default);
        await _t.Proposals.SubmitAsync(SpeBot.Core.Platform.Slack, new NewItem(_ws, "New one", "slack", "U1"), "C1", default);
        await _t.Proposals.SubmitAsync(SpeBot.Core.Platform.Slack, new NewItem(_ws, "Never accepted", "slack", "U1"), "C1", default);
        await lifecycle.AcceptAsync(maintainer, 1, default);
        _t.Clock.Advance(TimeSpan.FromDays(7));
        await lifecycle.AcceptAsync(maintainer, 2, default);

        var flow = await _q.WeeklyFlowAsync(_ws);
        Assert.Equal((1, 1), (flow[^2].Accepted, flow[^1].Accepted));
        Assert.Equal(2, flow.Sum(w => w.Accepted));
        var events = await _t.Db.ReadAsync(c => c.QueryAsync<(long Number, string At)>(
            "SELECT i.number, e.created_at FROM item_events e JOIN items i ON i.id = e.item_id WHERE e.action = 'accepted' ORDER BY i.number"));
        var kept = await _t.Db.ReadAsync(c => c.QueryAsync<(long Number, string At)>(
            "SELECT number, accepted_at FROM items WHERE accepted_at IS NOT NULL ORDER BY number"));
        Assert.Equal(events.ToList(), kept.ToList());
    }

    [Theory]
    [Providers]
    public async Task Board_by_person_shows_what_they_proposed_claimed_or_finished_and_nothing_else(StorageProvider provider)
    {
        Use(provider);
        var now = _t.Clock.GetUtcNow();
        await ItemAsync(1, "cost", "sre", "proposed", now.AddDays(-4), null);                  // author U1
        await ItemAsync(2, "cost", "sre", "done", now.AddDays(-3), now.AddDays(-1));            // finisher U9
        var claimed = await ItemAsync(3, "cost", "sre", "in_progress", now.AddDays(-2), null, author: "U2");
        await _t.Db.WriteAsync((c, tx) => c.ExecuteAsync("UPDATE items SET claimed_by = 'U9' WHERE id = @claimed", new { claimed }, tx));
        await ItemAsync(4, "cost", "sre", "proposed", now.AddDays(-1), null, author: "U3");

        Assert.Equal([3L, 2L], (await _q.BoardAsync(_ws, new BoardFilter(Person: "U9"))).Items.Select(i => i.Item.Number));
        Assert.Equal([2L, 1L], (await _q.BoardAsync(_ws, new BoardFilter(Person: "U1"))).Items.Select(i => i.Item.Number));
        Assert.Equal([3L], (await _q.BoardAsync(_ws, new BoardFilter(Status: "in_progress", Person: "U9"))).Items.Select(i => i.Item.Number));
        Assert.Empty((await _q.BoardAsync(_ws, new BoardFilter(Person: "U404"))).Items);
    }

    [Theory]
    [Providers]
    public async Task Open_by_category_and_board_counts_follow_status_changes(StorageProvider provider)
    {
        Use(provider);
        var now = _t.Clock.GetUtcNow();
        var first = await ItemAsync(1, "cost", "sre", "proposed", now.AddDays(-4), null);
        await ItemAsync(2, "cost", "sre", "accepted", now.AddDays(-3), null);
        await ItemAsync(3, "security", "sre", "in_progress", now.AddDays(-2), null);
        await _t.Db.WriteAsync((c, tx) => c.ExecuteAsync("UPDATE items SET status = 'declined' WHERE id = @first", new { first }, tx));

        Assert.Equal([("cost", 1), ("security", 1)], (await _q.OpenByCategoryAsync(_ws)).Select(x => (x.Category, x.Open)));
        var counts = (await _q.BoardAsync(_ws, new BoardFilter())).CountsByStatus;
        Assert.Equal([("accepted", 1L), ("declined", 1L), ("in_progress", 1L)], counts.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => (x.Key, x.Value)));
    }

    public static TheoryData<StorageProvider, string, string, long> LeadTimes() => Providers.Cross(new[]
    {
        ("2026-11-02T09:00:00.000Z", "2026-11-02T09:00:00.001Z", 1L),
        ("2024-02-28T23:59:59.999Z", "2024-03-01T00:00:00.000Z", 86_400_001L),
        ("2026-01-01T00:00:00.000Z", "2026-12-31T23:59:59.999Z", 31_535_999_999L),
    });

    [Theory]
    [MemberData(nameof(LeadTimes))]
    public async Task Lead_time_column_is_the_exact_milliseconds_between_the_stored_times(StorageProvider provider, string created, string done, long ms)
    {
        Use(provider);
        var id = await ItemAsync(1, "cost", "sre", "done", Iso.Parse(created), Iso.Parse(done));
        Assert.Equal((Iso.Parse(done) - Iso.Parse(created)).Ticks / TimeSpan.TicksPerMillisecond, ms);
        Assert.Equal(ms, await _t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT lead_ms FROM items WHERE id = @id", new { id })));
    }
}
