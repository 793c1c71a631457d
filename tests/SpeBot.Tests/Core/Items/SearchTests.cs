using SpeBot.Core;
using SpeBot.Core.Storage;
using SpeBot.Core.Items;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Items;

/// <summary>Search reads an in-process copy of the texts (issue 16); it must match what the SQL substring scan matched.</summary>
public sealed class SearchTests
{
    [Theory]
    [Providers]
    public async Task EveryWordMustAppearInTitleOrDetailWhateverTheCaseNewestFirst(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
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

    [Theory]
    [Providers]
    public async Task TheBytePairFilterFindsExactlyWhatTestingEveryTextFinds(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var seed = new ItemSeed(t);
        var ws = await seed.WorkspaceAsync();
        var other = await t.Workspaces.EnsureAsync(Platform.Slack, "T2");
        var rng = new Random(16);
        string[] vocabulary = ["tls", "gateway", "Rotate", "監視", "ダッシュボード", "db", "x", "cost", "レイテンシ", "p99", "ab", "ba"];
        string Words(int n) => string.Join(rng.Next(3) == 0 ? "" : " ", Enumerable.Range(0, n).Select(_ => vocabulary[rng.Next(vocabulary.Length)]));
        var texts = new List<(long Number, string Text)>();
        // More than one 64-item word of bits, and enough items that the bit rows grow while searches run between inserts.
        for (var i = 0; i < 300; i++)
        {
            var title = Words(1 + rng.Next(3));
            var detail = rng.Next(2) == 0 ? null : Words(1 + rng.Next(4));
            var item = await t.Db.WriteAsync((c, tx) => t.Items.CreateAsync(c, tx,
                new NewItem(i % 7 == 0 ? other.Id : ws.Id, title, "slack", "U1", Detail: detail), default));
            if (i % 7 != 0) texts.Add((item.Item.Number, (title + "\n" + detail).ToLowerInvariant()));
            if (i % 50 == 0) await t.Queries.SearchAsync(ws.Id, ["tls"]);
        }

        string[][] queries =
        [
            ["tls"], ["TLS", "gateway"], ["監視"], ["x"], ["db", "x"], ["ab"], ["ba", "ab"], ["bab"], ["視ダ"], ["nothing"],
            ["s\nr"], ["cost", "p99", "監視"], ["ateway"], ["ッシ"],
        ];
        foreach (var q in queries)
        {
            var expected = texts.Where(x => q.All(w => x.Text.Contains(w.ToLowerInvariant(), StringComparison.Ordinal)))
                .OrderByDescending(x => x.Number).Take(ItemQueries.MaxSearchResults).Select(x => x.Number).ToList();
            Assert.Equal(expected, (await t.Queries.SearchAsync(ws.Id, q)).Select(v => v.Item.Number));
        }
    }
}
