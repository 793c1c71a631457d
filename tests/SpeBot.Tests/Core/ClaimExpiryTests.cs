using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Tests.Support;
using Dapper;

namespace SpeBot.Tests.Core;

public sealed class ClaimExpiryTests
{
    [Fact]
    public async Task ClaimWithoutUpdateForNDaysIsReleasedAndTheClaimerTold()
    {
        using var t = new TestDatabase();
        var lifecycle = new Lifecycle(t.Db, t.Items, t.Cards, t.Workspaces, new Notices(t.Outbox), t.Signal, t.Clock);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var actor = new Actor(Platform.Slack, ws.Id, "U222", "C1");
        await t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, "Stale one", "slack", "U1"), "C1", default);
        await t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, "Fresh one", "slack", "U1"), "C1", default);
        await lifecycle.ClaimAsync(actor, 1, default);
        await lifecycle.ClaimAsync(actor, 2, default);

        t.Clock.Advance(TimeSpan.FromDays(10));
        await lifecycle.UpdateAsync(actor, 2, "still on it", default);
        Assert.Equal(0, await lifecycle.ExpireClaimsAsync(TimeSpan.FromDays(14), default));

        t.Clock.Advance(TimeSpan.FromDays(5));
        Assert.Equal(1, await lifecycle.ExpireClaimsAsync(TimeSpan.FromDays(14), default));
        Assert.Equal(0, await lifecycle.ExpireClaimsAsync(TimeSpan.FromDays(14), default));

        var items = await t.Db.ReadAsync(c => c.QueryAsync<(long Number, string Status, string? ClaimedBy)>(
            "SELECT number, status, claimed_by FROM items ORDER BY number"));
        Assert.Equal([(1L, "accepted", (string?)null), (2L, "in_progress", "U222")], items.ToList());
        var notice = await t.Db.ReadAsync(c => c.QuerySingleAsync<(string ChannelId, string Body)>(
            "SELECT channel_id, body FROM outbox WHERE kind = 'notice'"));
        Assert.Equal("U222", notice.ChannelId);
        Assert.Contains("claim.expired", notice.Body);
        Assert.Contains("claim_expired", (await t.Items.EventsAsync(1)).Select(e => e.Action));
    }
}
