using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Items;

/// <summary>Search reads an in-process copy of the texts (issue 16); it must match what the SQL substring scan matched.</summary>
public sealed class SearchTests
{
    [Fact]
    public async Task EveryWordMustAppearInTitleOrDetailWhateverTheCaseNewestFirst()
    {
        using var t = new TestDatabase();
        var seed = new ItemSeed(t);
        var ws = await seed.WorkspaceAsync();
        var other = await t.Workspaces.EnsureAsync(Platform.Slack, "T2");
        await seed.ItemAsync(ws.Id, "Rotate TLS ciphers on gateway");
        await seed.ItemAsync(other.Id, "TLS in another workspace");
        await t.Db.WriteAsync((c, tx) => t.Items.CreateAsync(c, tx, new NewItem(ws.Id, "Gateway upgrade", "slack", "U1", Detail: "needs new tls certs"), default));
        await seed.ItemAsync(ws.Id, "ダッシュボードの監視を追加");

        Assert.Equal([2L, 1L], (await t.Queries.SearchAsync(ws.Id, ["tls"])).Select(v => v.Item.Number));
        Assert.Equal([1L], (await t.Queries.SearchAsync(ws.Id, ["TLS", "ROTATE"])).Select(v => v.Item.Number));
        Assert.Equal([3L], (await t.Queries.SearchAsync(ws.Id, ["監視"])).Select(v => v.Item.Number));
        Assert.Empty(await t.Queries.SearchAsync(ws.Id, ["ciphers", "certs"]));        // one word in each item, none has both
        Assert.Empty(await t.Queries.SearchAsync(ws.Id, ["gateway\nupgrade"]));

        // Items proposed after a search are found by the next one.
        await seed.ItemAsync(ws.Id, "Drop TLS 1.0");
        Assert.Equal([4L, 2L, 1L], (await t.Queries.SearchAsync(ws.Id, ["tls"])).Select(v => v.Item.Number));
    }
}
