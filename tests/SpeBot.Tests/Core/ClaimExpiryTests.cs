using SpeBot.Core;
using SpeBot.Core.Storage;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Tests.Support;
using Dapper;

namespace SpeBot.Tests.Core;

public sealed class ClaimExpiryTests
{
    [Theory]
    [Providers]
    public async Task ClaimWithoutUpdateForNDaysIsReleasedAndTheClaimerTold(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var lifecycle = new Lifecycle(t.Db, t.Items, t.Cards, t.Workspaces, new Notices(t.Outbox), t.Signal, t.Clock, t.Options);
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

public sealed class OutboxPruneTests
{
    [Theory]
    [Providers]
    public async Task PruneForgetsOldSentRowsAndEventIdsButKeepsPendingAndDead(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        await t.Db.WriteAsync(async (c, tx) =>
        {
            foreach (var (key, status) in new[] { ("a", "sent"), ("b", "pending"), ("c", "dead") })
                await c.ExecuteAsync("""
                    INSERT INTO outbox (platform, workspace_id, channel_id, kind, body, dedupe_key, status, next_attempt_at, created_at, sent_at)
                    VALUES ('slack', @Id, 'C1', 'notice', '{}', @key, @status, @now, @now, @now)
                    """, new { ws.Id, key, status, now = SpeBot.Core.Storage.Iso.Of(t.Clock.GetUtcNow()) }, tx);
            await new SpeBot.Core.Events.Inbox(t.Clock).TryRecordAsync(c, tx, Platform.Slack, "Ev1", default);
            return 0;
        });
        Assert.Equal(0, await t.Outbox.PruneAsync(TimeSpan.FromDays(7)));
        t.Clock.Advance(TimeSpan.FromDays(8));
        Assert.Equal(2, await t.Outbox.PruneAsync(TimeSpan.FromDays(7)));
        var left = await t.Db.ReadAsync(c => c.QueryAsync<string>("SELECT dedupe_key FROM outbox ORDER BY dedupe_key"));
        Assert.Equal(["b", "c"], left);
    }

    [Theory]
    [Providers]
    public async Task SentRowsAndEventIdsFollowTheirOwnRetention(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        await t.Db.WriteAsync(async (c, tx) =>
        {
            await c.ExecuteAsync("""
                INSERT INTO outbox (platform, workspace_id, channel_id, kind, body, dedupe_key, status, next_attempt_at, created_at, sent_at)
                VALUES ('slack', @Id, 'C1', 'notice', '{}', 'sent', 'sent', @now, @now, @now)
                """, new { ws.Id, now = SpeBot.Core.Storage.Iso.Of(t.Clock.GetUtcNow()) }, tx);
            await new SpeBot.Core.Events.Inbox(t.Clock).TryRecordAsync(c, tx, Platform.Slack, "Ev1", default);
            return 0;
        });
        t.Clock.Advance(TimeSpan.FromDays(3));

        // Sent rows kept 2 days, event ids 5: only the sent row goes.
        Assert.Equal(1, await t.Outbox.PruneAsync(TimeSpan.FromDays(2), default, inboxAge: TimeSpan.FromDays(5)));
        Assert.Equal(1, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox")));
        t.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(1, await t.Outbox.PruneAsync(TimeSpan.FromDays(2), default, inboxAge: TimeSpan.FromDays(5)));
        Assert.Equal(0, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox")));
    }

    [Theory]
    [Providers]
    public async Task StatsGiveWhenTheOldestDueRowWasQueuedAndIgnoreRowsNotDueYet(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var queuedAt = t.Clock.GetUtcNow();
        await t.Outbox.EnqueueAloneAsync(t.Db, new SpeBot.Core.Outbox.OutboundMessage(Platform.Slack, ws.Id, "C1", SpeBot.Core.Outbox.OutboxKinds.Notice,
            new SpeBot.Core.Outbox.OutboundBody { Key = "help.more" }, "due"));
        t.Clock.Advance(TimeSpan.FromSeconds(30));
        await t.Outbox.EnqueueAloneAsync(t.Db, new SpeBot.Core.Outbox.OutboundMessage(Platform.Slack, ws.Id, "C2", SpeBot.Core.Outbox.OutboxKinds.Notice,
            new SpeBot.Core.Outbox.OutboundBody { Key = "help.more" }, "later", Delay: TimeSpan.FromHours(1)));

        var stats = await t.Outbox.StatsAsync();

        Assert.Equal(2, stats.Pending);
        Assert.Equal(queuedAt, stats.OldestDueAt);
    }
}
