using Dapper;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Items;

/// <summary>
/// Migration 0012: on SQLite a proposal writes only its row; ItemSettling later counts the items after the settle mark
/// and lists them under their authors in bulk. Readers must not see a difference, whether an item was settled or not,
/// and a status change before the pass must be counted once. On PostgreSQL nothing is ever after the mark.
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
}
