using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Oncall;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;
using SpeBot.Tests.Core.Retro;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Oncall;

/// <summary>
/// The handoff's "touched" and "due or stale" lists (migration 0017): read by time and through the digest's bounded reads,
/// yet the same lists and counts as their definitions over every item and event, whether the items are settled or not.
/// </summary>
public sealed class HandoffListTests
{
    private const string Open = "('proposed', 'accepted', 'in_progress')";

    /// <summary>Touched and due from every item and event, as the handoff orders them.</summary>
    private static async Task<(List<long> Touched, int TouchedTotal, List<long> Due, int DueTotal)> ExpectedAsync(TestDatabase t, Handoff h)
    {
        var o = new ScheduleOptions();
        var now = t.Clock.GetUtcNow();
        var args = new
        {
            ws = h.WorkspaceId, from = Iso.Of(h.ShiftFrom), to = Iso.Of(h.ShiftTo),
            staleBefore = Iso.Of(now.AddDays(-o.StaleClaimDays)), stuckBefore = Iso.Of(now.AddDays(-o.StuckDays)),
        };
        return await t.Db.ReadAsync(async c =>
        {
            var touched = (await c.QueryAsync<long>("""
                SELECT number FROM items i WHERE workspace_id = @ws AND ((created_at >= @from AND created_at <= @to)
                  OR EXISTS (SELECT 1 FROM item_events e WHERE e.item_id = i.id AND e.created_at >= @from AND e.created_at <= @to
                             AND e.action NOT IN ('voted', 'unvoted')))
                ORDER BY number
                """, args)).ToList();
            const string StaleClaim = "status = 'in_progress' AND claimed_by IS NOT NULL AND COALESCE(progress_at, claimed_at) < @staleBefore";
            var stale = (await c.QueryAsync<long>($"SELECT number FROM items WHERE workspace_id = @ws AND {StaleClaim} ORDER BY number", args)).ToList();
            var stuck = (await c.QueryAsync<long>(
                $"SELECT number FROM items WHERE workspace_id = @ws AND status IN {Open} AND updated_at < @stuckBefore ORDER BY updated_at, id", args)).ToList();
            var due = await c.ExecuteScalarAsync<long>(
                $"SELECT COUNT(*) FROM items WHERE workspace_id = @ws AND status IN {Open} AND (({StaleClaim}) OR updated_at < @stuckBefore)", args);
            return (touched.Take(DigestBuilder.MaxListed).ToList(), touched.Count,
                stale.Take(DigestBuilder.MaxListed).Concat(stuck).Distinct().Take(DigestBuilder.MaxListed).ToList(), (int)due);
        });
    }

    private static async Task AssertHandoffAsync(TestDatabase t, long handoffId, string when)
    {
        var model = (await new HandoffBuilder(t.Db, new ShiftStore(t.Db, t.Clock), t.Queries, t.Clock, Options.Create(new ScheduleOptions()))
            .BuildAsync(handoffId))!;
        var expected = await ExpectedAsync(t, model.Handoff);
        ItemSeed.AssertNumbers(expected.Touched, model.Touched, $"{when}: touched");
        ItemSeed.AssertNumbers(expected.Due, model.DueOrStale, $"{when}: due");
        Assert.Equal((expected.TouchedTotal, expected.DueTotal), (model.TouchedCount, model.DueCount));
    }

    [Theory]
    [Providers]
    public async Task TouchedAndDueAreWhatTheItemsAndEventsSayBoundedToTheListWithTheirTotals(StorageProvider provider)
    {
        using var t = new TestDatabase(new SpeBotOptions { Maintainers = ["UM"] }, provider: provider);
        var seed = new ItemSeed(t);
        var ws = (await seed.WorkspaceAsync("UM")).Id;
        var other = (await t.Workspaces.EnsureAsync(Platform.Slack, "T2")).Id;
        var maintainer = new Actor(Platform.Slack, ws, "UM", "C1");
        var claimer = new Actor(Platform.Slack, ws, "U1", "C1");
        var settling = new ItemSettling(t.Db, t.Options);
        var start = t.Clock.GetUtcNow();

        // 1–40 old and settled; 1 claimed then (stale and stuck by now), 2 claimed 20 days later (stale, not stuck).
        for (var n = 1; n <= 40; n++) await seed.ItemAsync(ws, $"old {n}");
        for (var n = 1; n <= 3; n++) await seed.ItemAsync(other, $"elsewhere {n}");
        await settling.SettleAllAsync();
        await seed.Lifecycle.ClaimAsync(claimer, 1, default);
        t.Clock.Advance(TimeSpan.FromDays(20));
        await seed.Lifecycle.ClaimAsync(claimer, 2, default);
        // 41–45: after the mark on SQLite, not stuck.
        for (var n = 41; n <= 45; n++) await seed.ItemAsync(ws, $"newer {n}");
        t.Clock.Advance(TimeSpan.FromDays(20));
        await seed.CardAsync(ws, (await t.Items.GetByNumberAsync(ws, 4))!.Id, "1.4");

        await new ShiftStore(t.Db, t.Clock).StartAsync(ws, "U1", "U1");
        t.Clock.Advance(TimeSpan.FromHours(1));
        // In the shift: work on old settled items and a newer one, 22 new items, another workspace's work, and votes
        // (prioritising, not work: item 4 stays stuck and untouched).
        foreach (var n in new long[] { 6, 7, 8, 42 }) await seed.Lifecycle.AcceptAsync(maintainer, n, default);
        await seed.Lifecycle.ClaimAsync(claimer, 9, default);
        for (var n = 46; n <= 67; n++) await seed.ItemAsync(ws, $"shift {n}");
        await seed.Lifecycle.AcceptAsync(new Actor(Platform.Slack, other, "UM", "C1"), 1, default);
        await seed.ReactAsync(ws, "1.4", "U7", added: true);
        await seed.ReactAsync(ws, "1.4", "U8", added: true);
        await seed.ReactAsync(ws, "1.4", "U8", added: false);
        t.Clock.Advance(TimeSpan.FromHours(1));
        var started = (await t.Db.WriteAsync((c, tx) => new Handoffs(t.Db, t.Outbox, t.Signal, new RetroPollTests.RecordingTimers(), t.Clock,
            Options.Create(new OncallOptions())).StartAsync(c, tx, Platform.Slack, ws, "C300", "k1", "U2", "U1", start, default)))!;
        // After the shift: not touched in it.
        t.Clock.Advance(TimeSpan.FromMinutes(5));
        await seed.Lifecycle.AcceptAsync(maintainer, 10, default);

        await AssertHandoffAsync(t, started.Id, "before the pass");
        var model = (await new HandoffBuilder(t.Db, new ShiftStore(t.Db, t.Clock), t.Queries, t.Clock, Options.Create(new ScheduleOptions()))
            .BuildAsync(started.Id))!;
        Assert.Equal((27, DigestBuilder.MaxListed), (model.TouchedCount, model.Touched.Count));
        Assert.Equal([6L, 7L, 8L, 9L, 42L], model.Touched.Take(5).Select(v => v.Item.Number));
        Assert.Equal([1L, 2L], model.DueOrStale.Take(2).Select(v => v.Item.Number));
        Assert.DoesNotContain(model.Touched, v => v.Item.Number is 4 or 10);

        Assert.Equal(provider == StorageProvider.Sqlite ? 27 : 0, await settling.SettleAllAsync());
        await AssertHandoffAsync(t, started.Id, "after the pass");
    }

    /// <summary>
    /// SQLite's plan is the performance property: the shift's work is found through the work-event index and the window's
    /// new items, and the items are then looked up by id; by workspace, the planner walked every item (12 ms at 100k).
    /// Votes and proposals, nine in ten events, stay out of that index, so their write paths pay nothing for it. The due
    /// count reads the claims' index alone.
    /// </summary>
    [Fact]
    public async Task TouchedStartsFromTheShiftsEventsAndNewItemsNotTheWorkspace()
    {
        using var t = new TestDatabase();
        var args = new { workspaceId = 1, from = "a", to = "b", staleBefore = "c", stuckBefore = "d", limit = 20 };
        async Task<List<string>> PlanAsync(string sql) =>
            (await t.Db.ReadAsync(c => c.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>("EXPLAIN QUERY PLAN " + sql, args)))
            .Select(r => r.Detail).ToList();
        // Items are read by id only: by workspace or a scan, the planner walks them all.
        static bool WalksItems(string d) => d is "SCAN i" or "SCAN items" || d.StartsWith("SCAN i USING", StringComparison.Ordinal)
            || (d.StartsWith("SEARCH i USING", StringComparison.Ordinal) && !d.Contains("rowid=?", StringComparison.Ordinal))
            || d.StartsWith("SEARCH items USING INDEX", StringComparison.Ordinal) || d.StartsWith("SCAN item_events", StringComparison.Ordinal);

        var list = await PlanAsync(HandoffBuilder.TouchedSql);
        var counts = await PlanAsync(HandoffBuilder.CountsSql);

        foreach (var plan in new[] { list, counts })
        {
            Assert.Contains(plan, d => d.StartsWith("SEARCH item_events USING INDEX ix_item_events_work (created_at>? AND created_at<?)", StringComparison.Ordinal));
            Assert.Contains(plan, d => d.StartsWith("SEARCH i USING INTEGER PRIMARY KEY (rowid=?)", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, WalksItems);
        }
        // The stale claims that are not stuck are counted from the claims' index alone, no item row read per claim.
        Assert.Contains(counts, d => d.StartsWith("SEARCH items USING COVERING INDEX ix_items_progress", StringComparison.Ordinal));
        var index = await t.Db.ReadAsync(c => c.ExecuteScalarAsync<string>("SELECT sql FROM sqlite_master WHERE name = 'ix_item_events_work'"));
        Assert.EndsWith("WHERE action <> 'proposed' AND action <> 'voted' AND action <> 'unvoted'", index);
    }
}
