using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Capacity;
using SpeBot.Core.Items;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Schedules;

/// <summary>
/// The digest's new and stuck items (migration 0014): on SQLite the settled items are read from settled_created and
/// settled_open, the newer ones from the items after the settle mark. Whatever was settled and whatever changed since,
/// the digest lists and counts what the items themselves say.
/// </summary>
public sealed class DigestWindowTests
{
    private const string Open = "('proposed', 'accepted', 'in_progress')";

    private static DigestBuilder Builder(TestDatabase t) =>
        new(t.Db, t.Queries, new CapacityStore(t.Db, t.Clock, t.Options), t.Clock, Options.Create(new ScheduleOptions()));

    /// <summary>The same lists and counts from the items alone, ordered as the digest orders them.</summary>
    private static async Task<(List<long> New, int NewTotal, List<long> Stuck, int StuckTotal)> ExpectedAsync(
        TestDatabase t, long ws, DateTimeOffset from, DateTimeOffset to)
    {
        var stuckBefore = Iso.Of(t.Clock.GetUtcNow().AddDays(-new ScheduleOptions().StuckDays));
        return await t.Db.ReadAsync(async c =>
        {
            var args = new { ws, from = Iso.Of(from), to = Iso.Of(to), stuckBefore };
            var created = (await c.QueryAsync<long>(
                "SELECT number FROM items WHERE workspace_id = @ws AND created_at >= @from AND created_at < @to ORDER BY number", args)).ToList();
            var stuck = (await c.QueryAsync<long>(
                $"SELECT number FROM items WHERE workspace_id = @ws AND status IN {Open} AND updated_at < @stuckBefore ORDER BY updated_at, id", args)).ToList();
            return (created.Take(DigestBuilder.MaxListed).ToList(), created.Count, stuck.Take(DigestBuilder.MaxListed).ToList(), stuck.Count);
        });
    }

    private static async Task AssertDigestAsync(TestDatabase t, long ws, DateTimeOffset from, string when)
    {
        var to = t.Clock.GetUtcNow().AddSeconds(1);
        var digest = await Builder(t).BuildAsync(ws, from, to);
        var expected = await ExpectedAsync(t, ws, from, to);
        ItemSeed.AssertNumbers(expected.New, digest.New, $"{when}: new");
        ItemSeed.AssertNumbers(expected.Stuck, digest.Stuck, $"{when}: stuck");
        Assert.Equal((expected.NewTotal, expected.StuckTotal), (digest.NewCount, digest.StuckCount));
    }

    [Theory]
    [Providers]
    public async Task NewAndStuckItemsAreWhatTheItemsSayWhetherSettledOrNotAndAfterLaterChanges(StorageProvider provider)
    {
        using var t = new TestDatabase(new SpeBotOptions { Maintainers = ["UM"] }, provider: provider);
        var seed = new ItemSeed(t);
        var ws = (await seed.WorkspaceAsync("UM")).Id;
        var maintainer = new Actor(Platform.Slack, ws, "UM", "C1");
        var settling = new ItemSettling(t.Db, t.Options);

        // 1–25: old and settled.
        for (var n = 1; n <= 25; n++) await seed.ItemAsync(ws, $"settled {n}");
        await settling.SettleAllAsync();
        // 26–37: old, ten minutes apart, created after the pass, so (on SQLite) after the mark.
        for (var n = 26; n <= 37; n++)
        {
            t.Clock.Advance(TimeSpan.FromMinutes(10));
            await seed.ItemAsync(ws, $"unsettled {n}");
        }
        // Settled items touched after all of those: the trigger moves them in settled_open, so settled_open's oldest twenty
        // (8–24, then 1–3) are not the digest's (8–24, then 27–29 from after the mark).
        t.Clock.Advance(TimeSpan.FromMinutes(10));
        for (var n = 1; n <= 6; n++) await seed.Lifecycle.AcceptAsync(maintainer, n, default);
        await seed.Lifecycle.DeclineAsync(maintainer, 25, "no", default);
        await seed.Lifecycle.DeclineAsync(maintainer, 37, "no", default);
        t.Clock.Advance(TimeSpan.FromDays(40));
        var from = t.Clock.GetUtcNow();
        for (var n = 38; n <= 40; n++) await seed.ItemAsync(ws, $"new {n}");
        // An old settled item and an old unsettled one touched now: no longer stuck.
        await seed.Lifecycle.AcceptAsync(maintainer, 7, default);
        await seed.Lifecycle.AcceptAsync(maintainer, 26, default);

        await AssertDigestAsync(t, ws, from, "before the pass");
        var before = await Builder(t).BuildAsync(ws, from, t.Clock.GetUtcNow().AddSeconds(1));
        Assert.Equal([.. Enumerable.Range(8, 17).Select(n => (long)n), 27L, 28L, 29L], before.Stuck.Select(v => v.Item.Number));
        Assert.Equal(33, before.StuckCount);
        Assert.Equal([38L, 39L, 40L], before.New.Select(v => v.Item.Number));

        Assert.Equal(provider == StorageProvider.Sqlite ? 15 : 0, await settling.SettleAllAsync());
        await AssertDigestAsync(t, ws, from, "after the pass");

        // Changed after the pass: a stuck item done, a new one declined, a declined one reopened (touched now), a claim
        // and its progress note (updated_at alone changes).
        await seed.Lifecycle.DoneAsync(maintainer, 8, "https://example.com/pr/8", default);
        await seed.Lifecycle.DeclineAsync(maintainer, 39, "dup", default);
        await seed.Lifecycle.ReopenAsync(maintainer, 37, default);
        await seed.Lifecycle.ClaimAsync(new Actor(Platform.Slack, ws, "U1", "C1"), 2, default);
        t.Clock.Advance(TimeSpan.FromMinutes(5));
        await seed.Lifecycle.UpdateAsync(new Actor(Platform.Slack, ws, "U1", "C1"), 2, "halfway", default);
        await AssertDigestAsync(t, ws, from, "after later changes");
        await seed.AssertConsistentAsync();
    }

    /// <summary>
    /// SQLite's plans (EXPLAIN QUERY PLAN) are the performance property: the digest's new and stuck lists and top's items
    /// waiting for a settle pass start from their short lists and look the items up by id. Filtered by workspace as well,
    /// the planner walked every item of the workspace (5 ms for top at 100k items, bench/reads.sh).
    /// </summary>
    [Theory]
    [InlineData("created")]
    [InlineData("stuck")]
    [InlineData("stale")]
    [InlineData("top")]
    public async Task TheDigestsListsAndTopsWaitingItemsStartFromTheirOwnListsNotTheWorkspace(string query)
    {
        using var t = new TestDatabase();
        var sql = query switch
        {
            "created" => DigestBuilder.CreatedSql, "stuck" => DigestBuilder.StuckSql, "stale" => ItemQueries.WaitingOpenSql, _ => ItemQueries.ByScoreSql,
        };

        var plan = (await t.Db.ReadAsync(c => c.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>(
            "EXPLAIN QUERY PLAN " + sql, new { workspaceId = 1, from = "a", to = "b", stuckBefore = "c", limit = 20 }))).Select(r => r.Detail).ToList();

        Assert.Contains(plan, d => d.StartsWith("SEARCH i USING INTEGER PRIMARY KEY (rowid=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, d => d.StartsWith("SEARCH i USING INDEX", StringComparison.Ordinal) || d == "SCAN i"
                                         || d.StartsWith("SCAN i USING", StringComparison.Ordinal));
        // Top walks settled_scores in its key order (0018) and stops early: a sort would read every open item first.
        if (query == "top") Assert.Equal(["SEARCH s USING PRIMARY KEY (workspace_id=?)", "SEARCH i USING INTEGER PRIMARY KEY (rowid=?)"], plan);
    }

    [Fact]
    public async Task TheSettlePassFillsTheTimeTablesAndTheDigestReadsThemNotTheItemsByTime()
    {
        using var t = new TestDatabase();
        var seed = new ItemSeed(t);
        var ws = (await seed.WorkspaceAsync()).Id;
        for (var n = 1; n <= 3; n++) await seed.ItemAsync(ws, $"item {n}");

        await new ItemSettling(t.Db, t.Options).SettleAllAsync();

        var (created, open, indexes) = await t.Db.ReadAsync(async c => (
            await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM settled_created"),
            await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM settled_open"),
            (await c.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items'")).ToList()));
        Assert.Equal((3L, 3L), (created, open));
        // A proposal enters neither index any more (migration 0014): that is what the side tables are for.
        Assert.DoesNotContain("ix_items_created", indexes);
        Assert.DoesNotContain("ix_items_open_updated", indexes);
    }
}
