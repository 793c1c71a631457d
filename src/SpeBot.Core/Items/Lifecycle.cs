using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Items;

/// <summary>Who is acting, from where.</summary>
public sealed record Actor(Platform Platform, long WorkspaceId, string UserId, string? ChannelId);

/// <summary>
/// Triage, assignment and completion. Each change is one transaction: the permission check, the new state,
/// an audit event and an in-place refresh of the item's cards. Refusals say who can do it instead.
/// </summary>
public sealed class Lifecycle(Database db, ItemStore items, CardUpdates cards, WorkspaceStore workspaces, Notices notices, OutboxSignal signal, TimeProvider clock,
                             IOptions<SpeBotOptions> weights)
{
    public const int MaxNote = 2000;

    // This store's dialect difference. Every change reads the item, checks its state and who may act, then writes: on
    // SQLite's single writer nothing can change the row in between; on PostgreSQL (READ COMMITTED, several instances) the
    // item row is locked as it is read, so two changes to one item (two people claiming it) run one after the other and
    // the second sees the first's result. Other items stay free.
    private readonly string _lockRow = db.Provider == StorageProvider.Postgres ? " FOR UPDATE OF i" : "";

    private enum Who { Anyone, Maintainer, ClaimerOrMaintainer, AuthorOrMaintainer, Finisher }

    public Task<Message> AcceptAsync(Actor a, long number, CancellationToken ct) =>
        // accepted_at (the dashboard's accepted per week) takes the time the status change just wrote, in its transaction.
        ChangeAsync(a, number, Who.Maintainer, ItemAction.Accept, "accepted", null, (c, tx) => c.ExecuteAsync(new CommandDefinition(
            "UPDATE items SET accepted_at = updated_at WHERE workspace_id = @WorkspaceId AND number = @number",
            new { a.WorkspaceId, number }, tx)), ct);

    public Task<Message> DeclineAsync(Actor a, long number, string reason, CancellationToken ct) =>
        ChangeAsync(a, number, Who.Maintainer, ItemAction.Decline, "declined", reason, (c, tx) => c.ExecuteAsync(new CommandDefinition(
            "UPDATE items SET decline_reason = @reason, claimed_by = NULL, claimed_at = NULL WHERE workspace_id = @WorkspaceId AND number = @number",
            new { reason, a.WorkspaceId, number }, tx)), ct);

    /// <summary>The author takes their own proposal back.</summary>
    public Task<Message> WithdrawAsync(Actor a, long number, CancellationToken ct) =>
        ChangeAsync(a, number, Who.AuthorOrMaintainer, ItemAction.Decline, "withdrawn", null, (c, tx) => c.ExecuteAsync(new CommandDefinition(
            "UPDATE items SET decline_reason = 'withdrawn', claimed_by = NULL, claimed_at = NULL WHERE workspace_id = @WorkspaceId AND number = @number",
            new { a.WorkspaceId, number }, tx)), ct);

    public Task<Message> ReopenAsync(Actor a, long number, CancellationToken ct) =>
        ChangeAsync(a, number, Who.Maintainer, ItemAction.Reopen, "reopened", null, (c, tx) => c.ExecuteAsync(new CommandDefinition(
            "UPDATE items SET done_at = NULL, done_by = NULL, decline_reason = NULL, merged_into = NULL, claimed_by = NULL, claimed_at = NULL WHERE workspace_id = @WorkspaceId AND number = @number",
            new { a.WorkspaceId, number }, tx)), ct);

    public Task<Message> ClaimAsync(Actor a, long number, CancellationToken ct) => AssignAsync(a, number, a.UserId, ct);

    /// <summary>Claiming for yourself is open to anyone; assigning someone else is for maintainers.</summary>
    public async Task<Message> AssignAsync(Actor a, long number, string assignee, CancellationToken ct)
    {
        var self = assignee == a.UserId;
        return await RunAsync(a, number, async (c, tx, item, isMaintainer) =>
        {
            if (!self && !isMaintainer) return await RefuseAsync(c, tx, a, "maintainers", ct);
            if (item.ClaimedBy == assignee) return new Message("claim.already_yours", Ref(item, assignee));
            if (item.ClaimedBy is not null && !isMaintainer && item.State == ItemStatus.InProgress)
                return new Message("claim.taken", new() { ["ref"] = item.Ref, ["user"] = new UserRef(item.ClaimedBy) });
            if (item.State != ItemStatus.InProgress && !ItemLifecycle.TryApply(item.State, ItemAction.Start, out _))
                return NotNow(item, ItemAction.Start);
            var now = Iso.Of(clock.GetUtcNow());
            await c.ExecuteAsync(new CommandDefinition("""
                UPDATE items SET status = 'in_progress', claimed_by = @assignee, claimed_at = @now, progress_at = @now, updated_at = @now
                WHERE id = @Id
                """, new { assignee, now, item.Id }, tx, cancellationToken: ct));
            await EventAsync(c, tx, a, item, self ? "claimed" : "assigned", self ? null : assignee, ct);
            return new Message(self ? "claim.done" : "assign.done", Ref(item, assignee));
        }, ct);
    }

    public Task<Message> ReleaseAsync(Actor a, long number, CancellationToken ct) =>
        RunAsync(a, number, async (c, tx, item, isMaintainer) =>
        {
            if (item.ClaimedBy is null) return new Message("release.not_claimed", new() { ["ref"] = item.Ref });
            if (item.ClaimedBy != a.UserId && !isMaintainer) return await RefuseAsync(c, tx, a, "claimer", ct, item.ClaimedBy);
            await ReleaseInTxAsync(c, tx, item, ct);
            await EventAsync(c, tx, a, item, "released", null, ct);
            return new Message("release.done", new() { ["ref"] = item.Ref });
        }, ct);

    public Task<Message> UpdateAsync(Actor a, long number, string note, CancellationToken ct) =>
        RunAsync(a, number, async (c, tx, item, isMaintainer) =>
        {
            if (item.ClaimedBy != a.UserId && !isMaintainer) return await RefuseAsync(c, tx, a, "claimer", ct, item.ClaimedBy);
            await c.ExecuteAsync(new CommandDefinition("UPDATE items SET progress_at = @now, updated_at = @now WHERE id = @Id",
                new { now = Iso.Of(clock.GetUtcNow()), item.Id }, tx, cancellationToken: ct));
            await EventAsync(c, tx, a, item, "progress", Clip(note), ct);
            return new Message("update.done", new() { ["ref"] = item.Ref });
        }, ct, refreshCards: false);

    public Task<Message> DoneAsync(Actor a, long number, string? evidence, CancellationToken ct) =>
        RunAsync(a, number, async (c, tx, item, isMaintainer) =>
        {
            if (!isMaintainer && item.ClaimedBy != a.UserId && (item.ClaimedBy is not null || item.AuthorId != a.UserId))
                return await RefuseAsync(c, tx, a, "finisher", ct, item.ClaimedBy ?? item.AuthorId);
            if (item.State == ItemStatus.Done)
            {
                // Evidence often comes after the work: the finisher (or a maintainer) can add it to a done item.
                if (evidence is null) return new Message("done.already", new() { ["ref"] = item.Ref });
                await c.ExecuteAsync(new CommandDefinition("UPDATE items SET evidence = @evidence, updated_at = @now WHERE id = @Id",
                    new { evidence = Clip(evidence), now = Iso.Of(clock.GetUtcNow()), item.Id }, tx, cancellationToken: ct));
                await EventAsync(c, tx, a, item, "evidence", Clip(evidence), ct);
                return new Message("done.evidence_added", new() { ["ref"] = item.Ref });
            }
            if (!ItemLifecycle.TryApply(item.State, ItemAction.Complete, out _)
                && !ItemLifecycle.TryApply(item.State, ItemAction.Start, out _)) return NotNow(item, ItemAction.Complete);
            var now = Iso.Of(clock.GetUtcNow());
            await c.ExecuteAsync(new CommandDefinition("""
                UPDATE items SET status = 'done', done_at = @now, done_by = @user, evidence = COALESCE(@evidence, evidence),
                                 claimed_by = COALESCE(claimed_by, @user), updated_at = @now
                WHERE id = @Id
                """, new { now, user = a.UserId, evidence = evidence is null ? null : Clip(evidence), item.Id }, tx, cancellationToken: ct));
            await EventAsync(c, tx, a, item, "done", evidence is null ? null : Clip(evidence), ct);
            return new Message(evidence is null ? "done.no_evidence" : "done.done", new() { ["ref"] = item.Ref });
        }, ct);

    /// <summary>Moves votes to the target (one per person), marks the source a duplicate, links both, keeps both trails.</summary>
    public async Task<Message> MergeAsync(Actor a, long sourceNumber, long targetNumber, CancellationToken ct)
    {
        if (sourceNumber == targetNumber) return new Message("merge.same");
        if (!await workspaces.IsMaintainerAsync(a.WorkspaceId, a.UserId, ct)) return await db.ReadAsync(c => RefuseAsync(c, null, a, "maintainers", ct), ct);
        var result = await db.WriteAsync(async (c, tx) =>
        {
            var source = await LoadAsync(c, tx, a.WorkspaceId, sourceNumber, ct);
            var target = await LoadAsync(c, tx, a.WorkspaceId, targetNumber, ct);
            if (source is null || target is null)
                return new Message("error.not_found", new() { ["ref"] = ItemRef.Format(source is null ? sourceNumber : targetNumber) });
            if (!ItemLifecycle.TryApply(source.State, ItemAction.MarkDuplicate, out _)) return NotNow(source, ItemAction.MarkDuplicate);
            if (!ItemLifecycle.IsOpen(target.State)) return new Message("merge.target_closed", new() { ["ref"] = target.Ref });
            var now = Iso.Of(clock.GetUtcNow());
            var moved = await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO votes (item_id, voter_id, via, created_at)
                SELECT @targetId, voter_id, 'merge', created_at FROM votes WHERE item_id = @sourceId
                ON CONFLICT (item_id, voter_id) DO NOTHING
                """, new { targetId = target.Id, sourceId = source.Id }, tx, cancellationToken: ct));
            var removed = await c.ExecuteAsync(new CommandDefinition("DELETE FROM votes WHERE item_id = @Id", new { source.Id }, tx, cancellationToken: ct));
            // The counts move with the votes, in this transaction: the target gains the voters it did not have yet.
            await ScoreIndex.AddVotesAsync(c, tx, target.Id, moved, weights.Value.Score, ct);
            await ScoreIndex.AddVotesAsync(c, tx, source.Id, -removed, weights.Value.Score, ct);
            await c.ExecuteAsync(new CommandDefinition("""
                UPDATE items SET status = 'duplicate', merged_into = @targetId, claimed_by = NULL, claimed_at = NULL, updated_at = @now WHERE id = @sourceId
                """, new { targetId = target.Id, sourceId = source.Id, now }, tx, cancellationToken: ct));
            await EventAsync(c, tx, a, source, "merged_into", target.Ref, ct);
            await EventAsync(c, tx, a, target, "merged_from", $"{source.Ref} (+{moved} votes)", ct);
            await cards.EnqueueAsync(c, tx, a.Platform, a.WorkspaceId, source.Id, ct);
            await cards.EnqueueAsync(c, tx, a.Platform, a.WorkspaceId, target.Id, ct);
            return new Message("merge.done", new() { ["source"] = source.Ref, ["target"] = target.Ref, ["moved"] = moved });
        }, ct);
        signal.Notify();
        return result;
    }

    /// <summary>Releases claims with no progress for <paramref name="after"/> and tells each claimer. Returns how many.</summary>
    public async Task<int> ExpireClaimsAsync(TimeSpan after, CancellationToken ct)
    {
        var cutoff = Iso.Of(clock.GetUtcNow() - after);
        var stale = (await db.ReadAsync(c => c.QueryAsync<Item>(new CommandDefinition(
            $"{ItemStore.Select} WHERE i.status = 'in_progress' AND i.claimed_by IS NOT NULL AND COALESCE(i.progress_at, i.claimed_at) < @cutoff",
            new { cutoff }, cancellationToken: ct)), ct)).ToList();
        foreach (var item in stale)
        {
            var platform = PlatformNames.Parse(item.AuthorPlatform);
            await db.WriteAsync(async (c, tx) =>
            {
                // Re-checked inside the transaction: an update that just landed keeps the claim.
                var still = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COUNT(*) FROM items WHERE id = @Id AND status = 'in_progress' AND claimed_by = @ClaimedBy AND COALESCE(progress_at, claimed_at) < @cutoff",
                    new { item.Id, item.ClaimedBy, cutoff }, tx, cancellationToken: ct));
                if (still == 0) return 0;
                await ReleaseInTxAsync(c, tx, item, ct);
                await items.AppendEventAsync(c, tx, item.Id, item.ClaimedBy!, "claim_expired", null, platform.Wire(), null, ct);
                await cards.EnqueueAsync(c, tx, platform, item.WorkspaceId, item.Id, ct);
                await notices.EnqueueAsync(c, tx, platform, item.WorkspaceId, item.ClaimedBy!, item.ClaimedBy!,
                    new Message("claim.expired", new() { ["ref"] = item.Ref, ["title"] = item.Title, ["days"] = (int)after.TotalDays }),
                    $"claim_expired:{item.Id}:{cutoff}", ephemeral: false, ct);
                return 1;
            }, ct);
        }
        if (stale.Count > 0) signal.Notify();
        return stale.Count;
    }

    private Task ReleaseInTxAsync(DbConnection c, DbTransaction tx, Item item, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("""
            UPDATE items SET status = CASE WHEN status = 'in_progress' THEN 'accepted' ELSE status END,
                             claimed_by = NULL, claimed_at = NULL, progress_at = NULL, updated_at = @now
            WHERE id = @Id
            """, new { now = Iso.Of(clock.GetUtcNow()), item.Id }, tx, cancellationToken: ct));

    private Task<Message> ChangeAsync(Actor a, long number, Who who, ItemAction action, string eventName, string? detail,
                                      Func<DbConnection, DbTransaction, Task> extra, CancellationToken ct) =>
        RunAsync(a, number, async (c, tx, item, isMaintainer) =>
        {
            var allowed = who switch
            {
                Who.Maintainer => isMaintainer,
                Who.AuthorOrMaintainer => isMaintainer || item.AuthorId == a.UserId,
                _ => true,
            };
            if (!allowed) return await RefuseAsync(c, tx, a, who == Who.Maintainer ? "maintainers" : "author", ct, item.AuthorId);
            if (!ItemLifecycle.TryApply(item.State, action, out var to)) return NotNow(item, action);
            await c.ExecuteAsync(new CommandDefinition("UPDATE items SET status = @to, updated_at = @now WHERE id = @Id",
                new { to = to.Wire(), now = Iso.Of(clock.GetUtcNow()), item.Id }, tx, cancellationToken: ct));
            await extra(c, tx);
            await EventAsync(c, tx, a, item, eventName, detail is null ? null : Clip(detail), ct);
            return new Message($"{eventName}.done", new() { ["ref"] = item.Ref, ["status"] = new KeyRef($"status.{to.Wire()}") });
        }, ct);

    private async Task<Message> RunAsync(Actor a, long number, Func<DbConnection, DbTransaction, Item, bool, Task<Message>> change,
                                         CancellationToken ct, bool refreshCards = true)
    {
        var isMaintainer = await workspaces.IsMaintainerAsync(a.WorkspaceId, a.UserId, ct);
        // The outcome comes back as the result, not through a captured flag: the work may run twice (Database.Commit).
        var (result, changed) = await db.WriteAsync(async (c, tx) =>
        {
            var item = await LoadAsync(c, tx, a.WorkspaceId, number, ct);
            if (item is null) return (new Message("error.not_found", new() { ["ref"] = ItemRef.Format(number) }), false);
            var before = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM item_events WHERE item_id = @Id", new { item.Id }, tx, cancellationToken: ct));
            var message = await change(c, tx, item, isMaintainer);
            var after = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM item_events WHERE item_id = @Id", new { item.Id }, tx, cancellationToken: ct));
            var changed = after > before;
            if (changed && refreshCards) await cards.EnqueueAsync(c, tx, a.Platform, a.WorkspaceId, item.Id, ct);
            return (message, changed);
        }, ct);
        if (changed) signal.Notify();
        return result;
    }

    private Task<Item?> LoadAsync(DbConnection c, DbTransaction tx, long workspaceId, long number, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Item>(new CommandDefinition(
            $"{ItemStore.Select} WHERE i.workspace_id = @workspaceId AND i.number = @number{_lockRow}", new { workspaceId, number }, tx, cancellationToken: ct));

    private Task EventAsync(DbConnection c, DbTransaction tx, Actor a, Item item, string action, string? detail, CancellationToken ct) =>
        items.AppendEventAsync(c, tx, item.Id, a.UserId, action, detail, a.Platform.Wire(), a.ChannelId, ct);

    /// <summary>A polite refusal that names who can do it; on the caller's connection (a write's, when it refuses inside one).</summary>
    private async Task<Message> RefuseAsync(DbConnection c, DbTransaction? tx, Actor a, string role, CancellationToken ct, string? person = null)
    {
        if (role is "maintainers")
        {
            var list = await workspaces.MaintainersAsync(c, tx, a.WorkspaceId, ct);
            return list.Count == 0
                ? new Message("refuse.no_maintainers")
                : new Message("refuse.maintainers", new() { ["who"] = list.Take(10).Select(m => new UserRef(m)).ToList() });
        }
        return new Message($"refuse.{role}", new() { ["user"] = person is null ? null : new UserRef(person) });
    }

    private static Message NotNow(Item item, ItemAction action) =>
        new("refuse.state", new() { ["ref"] = item.Ref, ["status"] = new KeyRef($"status.{item.Status}"), ["action"] = new KeyRef($"action.{action.ToString().ToLowerInvariant()}") });

    private static Dictionary<string, object?> Ref(Item item, string user) => new() { ["ref"] = item.Ref, ["user"] = new UserRef(user) };

    // Notes and evidence also come from forms, not only commands (ChatCommand): U+0000, which PostgreSQL text cannot hold,
    // becomes U+FFFD here too.
    private static string Clip(string text) => (text.Length <= MaxNote ? text : text[..MaxNote]).Replace('\0', '\uFFFD');
}
