using SpeBot.Core;
using SpeBot.Core.Storage;
using SpeBot.Core.Items;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Items;

/// <summary><c>mine</c> reads a person's open items per status from the person indexes, not their newest items of any status.</summary>
public sealed class MineTests
{
    [Theory]
    [Providers]
    public async Task OpenItemsShowEvenBehindMoreThanTwoHundredNewerClosedOnes(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var seed = new ItemSeed(t);
        var ws = await seed.WorkspaceAsync();
        var actor = new Actor(Platform.Slack, ws.Id, "UMAINT", "C1");
        var proposed = await seed.ItemAsync(ws.Id, "Still wanted", author: "UA");
        var claimed = await seed.ItemAsync(ws.Id, "Still being worked on", author: "UB");
        await seed.Lifecycle.AssignAsync(actor, claimed.Number, "UA", default);
        for (var i = 0; i < 205; i++)
        {
            // Newer items UA proposed and claimed, all closed: a newest-200-then-filter read would show nothing open.
            var item = await seed.ItemAsync(ws.Id, $"Closed {i}", author: "UA");
            await seed.Lifecycle.AssignAsync(actor, item.Number, "UA", default);
            await seed.Lifecycle.DoneAsync(actor, item.Number, null, default);
        }

        var (mine, claims) = await t.Queries.MineAsync(ws.Id, "UA");

        Assert.Equal([proposed.Number], mine.Select(v => v.Item.Number));
        Assert.Equal([claimed.Number], claims.Select(v => v.Item.Number));
    }
}
