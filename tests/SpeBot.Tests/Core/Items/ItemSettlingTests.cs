using Dapper;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Items;

/// <summary>
/// Migrations 0012 and 0016: on SQLite a proposal writes only its row; ItemSettling later counts the items after the
/// settle mark and lists the items after the people mark under their authors, in bulk. Readers must not see a difference,
/// whether an item was settled or not, or listed by a people pass not yet finished, and a status change before the pass
/// must be counted once. On PostgreSQL nothing is ever after a mark.
/// </summary>
public sealed class ItemSettlingTests
{
    private static Lifecycle LifecycleOf(TestDatabase t) =>
        new(t.Db, t.Items, t.Cards, t.Workspaces, new Notices(t.Outbox), t.Signal, t.Clock, t.Options);

    private static async Task<(int Open, int Proposed, List<long> MineU1, List<long> PersonU1, List<(string, long)> Board)> ReadAsync(
        TestDatabase t, long ws)
    {
        var mine = await t.Queries.MineAsync(ws, "U1");
        var person = await t.Queries.PageAsync(ws, new ItemQueries.Filter(UserId: "U1", Statuses: ["proposed", "accepted"]), 1, 10);
        var proposed = await t.Queries.PageAsync(ws, new ItemQueries.Filter(Statuses: ["proposed"]), 1, 10);
        // The dashboard's board counts read this.
        var board = await t.Db.ReadAsync(c => c.QueryAsync<(string, long)>(
            "SELECT status, SUM(n) FROM item_totals WHERE workspace_id = @ws GROUP BY status HAVING SUM(n) > 0", new { ws }));
        return (await t.Queries.OpenCountAsync(ws), proposed.Total, [.. mine.Proposed.Select(v => v.Item.Number)],
                [.. person.Items.Select(v => v.Item.Number)], [.. board.Order()]);
    }

    [Theory]
    [Providers]
    public async Task CountsAndPersonListsReadTheSameBeforeAndAfterTheSettlePass(StorageProvider provider)
    {
        using var t = new TestDatabase(new SpeBotOptions { Maintainers = ["UM"] }, provider: provider);
        var seed = new ItemSeed(t);
        var ws = (await seed.WorkspaceAsync("UM")).Id;
        await seed.ItemAsync(ws, "one", author: "U1");
        await seed.ItemAsync(ws, "two", author: "U2");
        await seed.ItemAsync(ws, "three", author: "U1", category: "security");
        // Changed before any pass: the trigger leaves an unsettled item alone and the pass counts it as it is then.
        await LifecycleOf(t).AcceptAsync(new Actor(Platform.Slack, ws, "UM", "C1"), 3, default);

        var before = await ReadAsync(t, ws);
        var settled = await new ItemSettling(t.Db, t.Options).SettleAllAsync();
        var after = await ReadAsync(t, ws);

        Assert.Equal(provider == StorageProvider.Sqlite ? 3 : 0, settled);
        Assert.Equal((3, 2), (before.Open, before.Proposed));
        Assert.Equal([3L, 1L], before.MineU1);
        Assert.Equal([3L, 1L], before.PersonU1);
        Assert.Equal([("accepted", 1L), ("proposed", 2L)], before.Board);
        Assert.Equal(before.Open, after.Open);
        Assert.Equal(before.Proposed, after.Proposed);
        Assert.Equal(before.MineU1, after.MineU1);
        Assert.Equal(before.PersonU1, after.PersonU1);
        Assert.Equal(before.Board, after.Board);

        // Changed after the pass: the trigger moves the count and the person entry.
        await LifecycleOf(t).DeclineAsync(new Actor(Platform.Slack, ws, "UM", "C1"), 1, "not now", default);
        var declined = await ReadAsync(t, ws);
        Assert.Equal((2, 1), (declined.Open, declined.Proposed));
        Assert.Equal([3L], declined.MineU1);
        await seed.AssertConsistentAsync();
    }

    [Fact]
    public async Task APassSettlesAtMostItsBatchAndTheNextPassTheRest()
    {
        using var t = new TestDatabase();
        var ws = (await t.Workspaces.EnsureAsync(Platform.Slack, "T1")).Id;
        // Written as ItemStore writes them, many at once (one transaction): only the row.
        await t.Db.WriteAsync(async (c, tx) =>
        {
            for (var n = 1; n <= ItemSettling.MaxBatch + 5; n++)
                await t.Items.CreateAsync(c, tx, new NewItem(ws, $"item {n}", "slack", $"U{n % 7}"), default);
            return 0;
        });
        var settling = new ItemSettling(t.Db, t.Options);

        Assert.Equal(ItemSettling.MaxBatch, await settling.SettleAsync());
        Assert.Equal((long)ItemSettling.MaxBatch, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT last_item_id FROM settle_mark")));
        Assert.Equal(ItemSettling.MaxBatch + 5, await t.Queries.OpenCountAsync(ws));
        Assert.Equal(5, await settling.SettleAsync());
        Assert.Equal(0, await settling.SettleAsync());
        Assert.Equal(ItemSettling.MaxBatch + 5, await t.Queries.OpenCountAsync(ws));
        Assert.Equal((long)ItemSettling.MaxBatch + 5, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT SUM(n) FROM item_counts")));
        Assert.Equal((long)ItemSettling.MaxBatch + 5, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM item_people")));
    }

    [Fact]
    public async Task APeoplePassCutShortIsReadOnceAndTheNextPassFinishesIt()
    {
        using var t = new TestDatabase(new SpeBotOptions { Maintainers = ["UM"] });
        var seed = new ItemSeed(t);
        var ws = (await seed.WorkspaceAsync("UM")).Id;
        for (var n = 1; n <= 6; n++) await seed.ItemAsync(ws, $"item {n}", author: n % 2 == 0 ? "U1" : "U2");
        var before = await ReadAsync(t, ws);

        // What a pass's first write leaves before its last one moves the mark: U1's items listed, U2's not yet.
        await t.Db.WriteAsync((c, tx) => c.ExecuteAsync("""
            INSERT INTO item_people (workspace_id, author_id, status, number, item_id)
            SELECT workspace_id, author_id, status, number, id FROM items WHERE author_id = 'U1'
            """, transaction: tx));
        var midway = await ReadAsync(t, ws);
        var midwayTotal = (await t.Queries.PageAsync(ws, new ItemQueries.Filter(UserId: "U1", Statuses: ["proposed"]), 1, 10)).Total;
        // Declined while listed but after the mark: its entry must follow, or U1's lists would still show it.
        await LifecycleOf(t).DeclineAsync(new Actor(Platform.Slack, ws, "UM", "C1"), 4, "not now", default);
        var declined = await ReadAsync(t, ws);
        var listed = await new ItemSettling(t.Db, t.Options).ListUnderAuthorsAsync();
        var after = await ReadAsync(t, ws);

        Assert.Equal([6L, 4L, 2L], before.MineU1);
        Assert.Equal(before.MineU1, midway.MineU1);
        Assert.Equal(before.PersonU1, midway.PersonU1);
        Assert.Equal(3, midwayTotal);
        Assert.Equal([6L, 2L], declined.MineU1);
        Assert.Equal([6L, 2L], declined.PersonU1);
        Assert.Equal(6, listed);
        Assert.Equal(declined.MineU1, after.MineU1);
        Assert.Equal(declined.PersonU1, after.PersonU1);
        Assert.Equal(6L, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT people_item_id FROM settle_mark")));
        await seed.AssertConsistentAsync();
    }

    [Fact]
    public async Task APeoplePassListsManyAuthorsARangeAtATimeWhileProposalsAndStatusChangesGoOn()
    {
        using var t = new TestDatabase();
        var workspaces = new[] { (await t.Workspaces.EnsureAsync(Platform.Slack, "T1")).Id, (await t.Workspaces.EnsureAsync(Platform.Slack, "T2")).Id };
        // More than two ranges' worth, over two workspaces and 301 authors, after both marks.
        var count = ItemSettling.PeopleWrite * 2 + 500;
        await t.Db.WriteAsync(async (c, tx) =>
        {
            for (var n = 1; n <= count; n++)
                await t.Items.CreateAsync(c, tx, new NewItem(workspaces[n % 2], $"item {n}", "slack", $"U{n % 301}"), default);
            return 0;
        });
        var settling = new ItemSettling(t.Db, t.Options);
        while (await settling.SettleAsync() == ItemSettling.MaxBatch) { }
        // A second pass beside new proposals and status changes, of listed items and of items not yet listed.
        await t.Db.WriteAsync((c, tx) => c.ExecuteAsync("UPDATE settle_mark SET people_item_id = 0; DELETE FROM item_people;", transaction: tx));
        var pass = settling.ListUnderAuthorsAsync();
        for (var n = 1; n <= 200; n++)
        {
            await t.Db.WriteAsync(async (c, tx) =>
            {
                await t.Items.CreateAsync(c, tx, new NewItem(workspaces[n % 2], $"late {n}", "slack", $"U{n % 301}"), default);
                return await c.ExecuteAsync("UPDATE items SET status = 'declined' WHERE id = @id AND status = 'proposed'", new { id = n * 41 % count + 1 }, tx);
            });
        }
        // The pass took the items there when it began: all of the first ones, and maybe some late ones.
        var listed = await pass;
        Assert.InRange(listed, count, count + 200);
        Assert.Equal((long)listed, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT people_item_id FROM settle_mark")));

        await settling.SettleAllAsync();
        const string People = "SELECT workspace_id, author_id, status, number, {0} FROM {1} ORDER BY 1, 2, 3, 4";
        var items = await t.Db.ReadAsync(c => c.QueryAsync<(long, string, string, long, long)>(string.Format(People, "id", "items")));
        Assert.Equal(count + 200, items.Count());
        Assert.Equal(items, await t.Db.ReadAsync(c => c.QueryAsync<(long, string, string, long, long)>(string.Format(People, "item_id", "item_people"))));
        Assert.Equal(200, items.Count(i => i.Item3 == "declined"));
    }

    /// <summary>
    /// SQLite's plan (EXPLAIN QUERY PLAN) is the performance property: each write of a people pass reads the pass's span
    /// of ids, not a workspace index, whose range of (workspace, author) would take in the whole workspace.
    /// </summary>
    [Fact]
    public async Task EachWriteOfAPeoplePassReadsOnlyThePassesSpanOfIds()
    {
        using var t = new TestDatabase();

        var plan = (await t.Db.ReadAsync(c => c.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>(
            "EXPLAIN QUERY PLAN " + ItemSettling.ListRangeSql, new { from = 1, to = 2, w0 = 1, a0 = "U1", w1 = 2, a1 = "U9" }))).Select(r => r.Detail).ToList();

        Assert.Contains("SEARCH items USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)", plan);
        Assert.DoesNotContain(plan, d => d.Contains("USING INDEX", StringComparison.Ordinal) || d.StartsWith("SCAN items", StringComparison.Ordinal));
    }
}
