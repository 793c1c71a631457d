using System.Data.Common;
using Dapper;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Discovery;

/// <summary>
/// Where every discovery source ends: a finding becomes an ordinary proposal (same code as <c>/spe propose</c>: item,
/// triage status, card through the outbox) once per finding key, unless its source is muted; later news about the
/// finding (a PR merged, an issue reopened) moves that item. Each call is one transaction.
/// </summary>
public sealed class Discoveries(Database db, Proposals proposals, ItemStore items, CardUpdates cards, OutboxSignal signal, TimeProvider clock)
{
    public async Task<(DiscoveryOutcome Outcome, Item? Item)> ProposeAsync(Platform platform, NewItem item, Finding finding, string channelId,
                                                                          CancellationToken ct)
    {
        var result = await db.WriteAsync((c, tx) => ProposeAsync(c, tx, platform, item, finding, channelId, ct), ct);
        if (result.Outcome == DiscoveryOutcome.Proposed) signal.Notify();
        return result;
    }

    /// <summary>Inside the caller's transaction, so a source can record its own state (a watch result) with the proposal.</summary>
    public async Task<(DiscoveryOutcome Outcome, Item? Item)> ProposeAsync(DbConnection c, DbTransaction tx, Platform platform, NewItem item,
                                                                          Finding finding, string channelId, CancellationToken ct)
    {
        // One finding reported on two instances at once: the second waits here, then finds the first's item.
        await items.LockNewItemsAsync(c, tx, item.WorkspaceId, ct);
        var existing = await FindAsync(c, tx, item.WorkspaceId, finding.Key, ct);
        if (existing is not null) return (DiscoveryOutcome.AlreadyKnown, existing);
        if (await MutedSources.IsMutedAsync(c, tx, item.WorkspaceId, finding.Source, ct)) return (DiscoveryOutcome.Muted, null);
        var (stored, _) = await proposals.CreateAsync(c, tx, platform, item, channelId, ct);
        // Only https links are shown on cards; anything else is kept out rather than rendered as text.
        var url = finding.Url is not null && Uri.TryCreate(finding.Url, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps ? u.AbsoluteUri : null;
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE items SET found_by = @Source, finding_key = @Key, source_permalink = COALESCE(@url, source_permalink) WHERE id = @Id",
            new { finding.Source, finding.Key, url, stored.Id }, tx, cancellationToken: ct));
        await items.AppendEventAsync(c, tx, stored.Id, item.AuthorId, "discovered", finding.Key, platform.Wire(), channelId, ct);
        return (DiscoveryOutcome.Proposed, stored);
    }

    /// <summary>
    /// The item a finding (or a tracked GitHub issue) belongs to. Without a workspace, in any: a tracked issue's repository
    /// need not be mapped to the item's workspace.
    /// </summary>
    private static Task<Item?> FindAsync(DbConnection c, DbTransaction? tx, long? workspaceId, string key, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<Item>(new CommandDefinition(
            $"{ItemStore.Select} WHERE (i.finding_key = @key OR i.tracked_key = @key) AND (@workspaceId IS NULL OR i.workspace_id = @workspaceId) ORDER BY i.id LIMIT 1",
            new { workspaceId, key }, tx, cancellationToken: ct));

    /// <summary>The signal says the work is finished (a PR merged, an issue closed): an open item is done with the evidence.</summary>
    public Task<bool> CompleteAsync(long? workspaceId, string key, string actor, string? evidence, CancellationToken ct = default) =>
        ChangeAsync(workspaceId, key, actor, "done", evidence, async (c, tx, item, now) =>
        {
            if (!ItemLifecycle.IsOpen(item.State)) return false;
            await c.ExecuteAsync(new CommandDefinition("""
                UPDATE items SET status = 'done', done_at = @now, done_by = @actor, evidence = COALESCE(@evidence, evidence),
                                 finding_note = NULL, updated_at = @now
                WHERE id = @Id
                """, new { now, actor, evidence, item.Id }, tx, cancellationToken: ct));
            return true;
        }, ct);

    /// <summary>The signal came back (an issue reopened): a done or declined item opens again.</summary>
    public Task<bool> ReopenAsync(long? workspaceId, string key, string actor, CancellationToken ct = default) =>
        ChangeAsync(workspaceId, key, actor, "reopened", null, async (c, tx, item, now) =>
        {
            if (!ItemLifecycle.TryApply(item.State, ItemAction.Reopen, out var to)) return false;
            await c.ExecuteAsync(new CommandDefinition("""
                UPDATE items SET status = @to, done_at = NULL, done_by = NULL, decline_reason = NULL, merged_into = NULL,
                                 claimed_by = NULL, claimed_at = NULL, finding_note = NULL, updated_at = @now
                WHERE id = @Id
                """, new { to = to.Wire(), now, item.Id }, tx, cancellationToken: ct));
            return true;
        }, ct);

    /// <summary>
    /// The signal changed without finishing the work (a PR closed unmerged: <c>pr_closed</c>): the card says so; the item
    /// stays as it is. A null note clears it (the PR reopened), logged as <paramref name="action"/>.
    /// </summary>
    public Task<bool> NoteAsync(long? workspaceId, string key, string actor, string? note, CancellationToken ct = default, string? action = null) =>
        ChangeAsync(workspaceId, key, actor, action ?? $"finding_{note}", null, async (c, tx, item, now) =>
        {
            if (item.FindingNote == note) return false;
            await c.ExecuteAsync(new CommandDefinition("UPDATE items SET finding_note = @note, updated_at = @now WHERE id = @Id",
                new { note, now, item.Id }, tx, cancellationToken: ct));
            return true;
        }, ct);

    /// <summary>Links an item to the GitHub issue created for it (<c>/spe track</c>); its card shows the link.</summary>
    public async Task<bool> TrackAsync(Platform platform, long itemId, string actor, string url, string key, CancellationToken ct = default)
    {
        var changed = await db.WriteAsync(async (c, tx) =>
        {
            var n = await c.ExecuteAsync(new CommandDefinition(
                "UPDATE items SET tracked_url = @url, tracked_key = @key, updated_at = @now WHERE id = @itemId",
                new { url, key, now = Iso.Of(clock.GetUtcNow()), itemId }, tx, cancellationToken: ct));
            if (n == 0) return false;
            var item = await c.QuerySingleAsync<Item>(new CommandDefinition($"{ItemStore.Select} WHERE i.id = @itemId", new { itemId }, tx, cancellationToken: ct));
            await items.AppendEventAsync(c, tx, itemId, actor, "tracked", url, platform.Wire(), null, ct);
            await cards.EnqueueAsync(c, tx, PlatformNames.Parse(item.AuthorPlatform), item.WorkspaceId, itemId, ct);
            return true;
        }, ct);
        if (changed) signal.Notify();
        return changed;
    }

    private async Task<bool> ChangeAsync(long? workspaceId, string key, string actor, string action, string? detail,
                                         Func<DbConnection, DbTransaction, Item, string, Task<bool>> change, CancellationToken ct)
    {
        var changed = await db.WriteAsync(async (c, tx) =>
        {
            var item = await FindAsync(c, tx, workspaceId, key, ct);
            if (item is null || !await change(c, tx, item, Iso.Of(clock.GetUtcNow()))) return false;
            var platform = PlatformNames.Parse(item.AuthorPlatform);
            await items.AppendEventAsync(c, tx, item.Id, actor, action, detail, platform.Wire(), null, ct);
            await cards.EnqueueAsync(c, tx, platform, item.WorkspaceId, item.Id, ct);
            return true;
        }, ct);
        if (changed) signal.Notify();
        return changed;
    }
}
