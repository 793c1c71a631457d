using System.Data.Common;
using Dapper;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;
using Xunit;

namespace SpeBot.Tests.Core;

/// <summary>
/// The in-memory search copy on PostgreSQL, where item ids are drawn when an INSERT runs and committed in any order
/// (several instances, or concurrent requests of one): an item whose transaction commits after a newer one's must still
/// be found, and the newest-first cut must stay exact.
/// </summary>
public sealed class SearchTextCommitOrderTests : IDisposable
{
    private readonly TestDatabase _t = PostgresServer.Unavailable is null ? new TestDatabase(provider: StorageProvider.Postgres) : null!;

    public void Dispose() => _t?.Dispose();

    private static async Task<long> InsertAsync(DbConnection c, DbTransaction? tx, long workspaceId, int number, string title) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO items (workspace_id, number, title, author_platform, author_id, created_at, updated_at)
            VALUES (@workspaceId, @number, @title, 'slack', 'U1', '2026-11-02T09:00:00.000Z', '2026-11-02T09:00:00.000Z')
            RETURNING id
            """, new { workspaceId, number, title }, tx));

    private async Task<long> CommittedAsync(long workspaceId, int number, string title)
    {
        await using var c = await _t.Db.OpenAsync();
        return await InsertAsync(c, null, workspaceId, number, title);
    }

    [PostgresFact]
    public async Task An_item_committed_after_newer_ones_is_found_however_many_searches_ran_while_it_was_open()
    {
        // Two workspaces: proposals into one workspace take its number lock in turn, those of two workspaces do not.
        var ws = (await _t.Workspaces.EnsureAsync(Platform.Slack, "T1")).Id;
        var other = (await _t.Workspaces.EnsureAsync(Platform.Slack, "T2")).Id;
        // A grace of 50 ms, so the searches below span many graces while the older insert stays open.
        var search = new SearchText(_t.Db, TimeSpan.FromMilliseconds(50));
        await using var slow = await _t.Db.OpenAsync();
        await using var open = await slow.BeginTransactionAsync();
        var late = await InsertAsync(slow, open, other, 1, "Pump seal late");
        var early = await CommittedAsync(ws, 1, "Pump seal early");
        Assert.True(late < early);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal([early], await search.FindAsync(ws, ["pump"], 10));
            Assert.Empty(await search.FindAsync(other, ["pump"], 10));
            await Task.Delay(60);
        }
        await open.CommitAsync();
        var newer = await CommittedAsync(other, 2, "Pump seal newer");

        Assert.Equal([newer, late], await search.FindAsync(other, ["pump"], 10));
        Assert.Equal([newer, late], await search.FindAsync(other, ["pump"], 10));
        Assert.Equal([early], await search.FindAsync(ws, ["pump"], 10));
    }

    [PostgresFact]
    public async Task The_newest_first_cut_stays_exact_when_an_older_item_arrives_after_newer_ones()
    {
        var ws = (await _t.Workspaces.EnsureAsync(Platform.Slack, "T1")).Id;
        var search = new SearchText(_t.Db, TimeSpan.Zero);
        // The per-workspace counts (a trigger) would make the inserts below wait for the open one; the copy never reads them.
        await _t.Db.ReadAsync(c => c.ExecuteAsync("ALTER TABLE items DISABLE TRIGGER USER"));
        await using var slow = await _t.Db.OpenAsync();
        await using var open = await slow.BeginTransactionAsync();
        var late = await InsertAsync(slow, open, ws, 1, "Valve late");
        var ids = new List<long>();
        for (var n = 2; n <= 4; n++) ids.Add(await CommittedAsync(ws, n, $"Valve {n}"));
        Assert.Equal([ids[2], ids[1]], await search.FindAsync(ws, ["valve"], 2));

        await open.CommitAsync();

        Assert.Equal([ids[2], ids[1]], await search.FindAsync(ws, ["valve"], 2));
        Assert.Equal([ids[2], ids[1], ids[0], late], await search.FindAsync(ws, ["valve"], 10));
        Assert.Equal([ids[2], ids[1], ids[0], late], await search.FindAsync(ws, ["v"], 10));
    }

    [PostgresFact]
    public async Task Items_written_concurrently_by_two_instances_are_all_found()
    {
        var ws = (await _t.Workspaces.EnsureAsync(Platform.Slack, "T1")).Id;
        using var other = new TestDatabase(path: _t.Path, provider: StorageProvider.Postgres) { KeepFile = true };
        var search = new SearchText(_t.Db);
        var searching = true;
        var searches = Task.Run(async () =>
        {
            while (Volatile.Read(ref searching)) await search.FindAsync(ws, ["gasket"], 1000);
        });
        await Task.WhenAll(Enumerable.Range(0, 2).Select(k => Task.Run(async () =>
        {
            var db = k == 0 ? _t : other;
            for (var i = 0; i < 150; i++)
                await db.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws, $"Gasket {k}-{i}", "slack", "U1"), "C1", default);
        })));
        Volatile.Write(ref searching, false);
        await searches;

        var all = await _t.Db.ReadAsync(c => c.QueryAsync<long>("SELECT id FROM items ORDER BY id DESC"));
        Assert.Equal(all, await search.FindAsync(ws, ["gasket"], 1000));
    }
}
