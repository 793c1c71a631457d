using Dapper;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Items;

/// <summary>
/// New items are counted without an insert trigger (migration 0010): by ItemStore in the proposal's own transaction on
/// PostgreSQL, by ItemSettling's next pass on SQLite (0012). What readers count stays equal to the items under every way
/// an item is created, in every workspace and category, before and after that pass (ItemSeed.AssertConsistentAsync).
/// </summary>
public sealed class ItemCountTests : IDisposable
{
    private readonly TestDatabase _t = new();
    private readonly ItemSeed _seed;

    public ItemCountTests() => _seed = new ItemSeed(_t);

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task NewItemsAreCountedWithoutTheInsertTrigger()
    {
        await using (var c = await _t.Db.OpenAsync())
            Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'tr_items_count_insert'"));
        var ws = await _seed.WorkspaceAsync();
        var other = await _t.Workspaces.EnsureAsync(Platform.Slack, "T2");

        foreach (var (w, category) in new[] { (ws.Id, "security"), (ws.Id, "security"), (ws.Id, "cost"), (other.Id, "security"), (other.Id, "toil") })
            await _seed.ItemAsync(w, $"Item in {category}", category: category);
        // A captured message: the path with a source, and its second capture, which creates nothing and counts nothing.
        var source = new SourceMessage("C1", "1700000000.000100", "UWRITER", "https://x.slack.com/archives/C1/p1700000000000100", "Captured");
        var first = await _t.Db.WriteAsync((c, tx) => _t.Items.CreateAsync(c, tx, new NewItem(ws.Id, "Captured", "slack", "U1", "esg", Source: source), default));
        var again = await _t.Db.WriteAsync((c, tx) => _t.Items.CreateAsync(c, tx, new NewItem(ws.Id, "Captured", "slack", "U1", "esg", Source: source), default));

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Item.Id, again.Item.Id);
        await _seed.AssertConsistentAsync();
        Assert.Equal(4, await _t.Queries.OpenCountAsync(ws.Id));   // security twice, cost, the captured esg item
        Assert.Equal(2, await _t.Queries.OpenCountAsync(other.Id));
    }

    [Fact]
    public async Task ItemsOfAGroupWhoseOtherJobFailsAreCountedOnce()
    {
        // A failing job in the group rolls the group back and runs the others again in savepoints: each item and its count
        // must land once, not twice (the count is written in the job, so it is undone and redone with the item).
        var ws = await _seed.WorkspaceAsync();
        var jobs = Enumerable.Range(0, 20).Select(i => _seed.ItemAsync(ws.Id, $"Item {i}", category: i % 3 == 0 ? "cost" : "toil")).ToList();
        var failing = _t.Db.WriteAsync<int>((c, tx) => throw new InvalidOperationException("this job fails"));
        jobs.AddRange(Enumerable.Range(20, 20).Select(i => _seed.ItemAsync(ws.Id, $"Item {i}", category: "cost")));

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        await Task.WhenAll(jobs);

        await _seed.AssertConsistentAsync();
        Assert.Equal(40, await _t.Queries.OpenCountAsync(ws.Id));
    }
}
