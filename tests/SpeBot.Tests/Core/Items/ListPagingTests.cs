using Dapper;
using SpeBot.Core.Storage;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Items;

/// <summary>
/// Lists page in SQL now (per-status runs merged, totals from item_counts, a person's items from their indexes); every
/// filter and page must still be what filtering all items and cutting pages gave before.
/// </summary>
public sealed class ListPagingTests
{
    [Theory]
    [Providers]
    public async Task EveryFilterAndPageEqualsFilteringAllItems(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var seed = new ItemSeed(t);
        var ws = await seed.WorkspaceAsync();
        var other = await t.Workspaces.EnsureAsync(Platform.Slack, "T2");
        var rng = new Random(7);
        string[] categories = ["security", "cost", "performance"];
        string[] people = ["UA", "UB", "UC", "UD"];
        var actor = new Actor(Platform.Slack, ws.Id, "UMAINT", "C1");
        for (var i = 0; i < 90; i++)
        {
            // One in four is captured from someone's message: their list holds it too (ix_items_source_author).
            var item = i % 4 == 0
                ? (await t.Db.WriteAsync((c, tx) => t.Items.CreateAsync(c, tx, new NewItem(ws.Id, $"Item {i}", "slack", people[rng.Next(4)],
                    categories[rng.Next(3)], Source: new SpeBot.Core.Commands.SourceMessage("CSRC", $"m{i}", people[rng.Next(4)], null, null)), default))).Item
                : await seed.ItemAsync(ws.Id, $"Item {i}", category: categories[rng.Next(3)], author: people[rng.Next(4)]);
            await seed.ItemAsync(other.Id, $"Other workspace {i}");   // never listed
            switch (rng.Next(6))
            {
                case 0: await seed.Lifecycle.AcceptAsync(actor, item.Number, default); break;
                case 1: await seed.Lifecycle.AssignAsync(actor, item.Number, people[rng.Next(4)], default); break;
                case 2: await seed.Lifecycle.DoneAsync(actor, item.Number, null, default); break;
                case 3: await seed.Lifecycle.DeclineAsync(actor, item.Number, "no", default); break;
            }
        }

        ItemQueries.Filter[] filters =
        [
            new(), new(["done"]), new(["proposed", "done", "declined"]), new(null, "security"), new(["accepted", "in_progress"], "cost"),
            new(null, null, "UB"), new(["done"], null, "UC"), new(null, "performance", "UA"),
            new([.. Enum.GetValues<ItemStatus>().Select(s => s.Wire())]),
        ];
        await using var c = await t.Db.OpenAsync();
        var all = (await c.QueryAsync<Item>("SELECT * FROM items WHERE workspace_id = @Id", new { ws.Id })).ToList();
        foreach (var f in filters)
        {
            var statuses = f.Statuses ?? ["proposed", "accepted", "in_progress"];
            var expected = all.Where(i => statuses.Contains(i.Status) && (f.Category is null || i.Category == f.Category)
                                          && (f.UserId is null || i.AuthorId == f.UserId || i.ClaimedBy == f.UserId || i.SourceAuthorId == f.UserId))
                .OrderByDescending(i => i.Number).Select(i => i.Number).ToList();
            var pages = Math.Max(1, (expected.Count + 9) / 10);
            for (var page = 1; page <= pages + 1; page++)
            {
                var found = await t.Queries.PageAsync(ws.Id, f, page, 10);
                var shown = Math.Min(page, pages);                                   // past the end shows the last page
                Assert.Equal(expected.Count, found.Total);
                Assert.Equal(expected.Skip((shown - 1) * 10).Take(10), found.Items.Select(v => v.Item.Number));
                if (expected.Count > 0) Assert.Equal((shown, pages), (found.Number, found.Pages));
            }
        }
    }
}
