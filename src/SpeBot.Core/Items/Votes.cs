using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Events;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>
/// A reaction added or removed on a message, as the platform reported it. <paramref name="VoteReactions"/> overrides
/// the configured vote set when a platform names its reactions differently (Teams "like" vs Slack "+1").
/// </summary>
public sealed record ReactionChange(
    Platform Platform, long WorkspaceId, string ChannelId, string MessageId, string UserId, string Reaction, bool Added,
    string EventTs, string? EventKey, string[]? VoteReactions = null);

public enum ReactionOutcome { Duplicate, Stale, Ignored, VoteAdded, VoteRemoved, Unchanged, CaptureQueued, ClaimRequested }

/// <summary>What a reaction did; <see cref="ItemId"/> is set when it concerned an item card.</summary>
public sealed record ReactionResult(ReactionOutcome Outcome, long? ItemId = null);

/// <summary>
/// Votes: one per person per item, whatever emoji or button they use. Reaction events are applied once
/// (by event key) and in order (the newest event_ts per message, person and emoji wins).
/// </summary>
public sealed class Votes(Database db, OutboxStore outbox, OutboxSignal signal, CardUpdates cards, ItemStore items,
                          Inbox inbox, TimeProvider clock, IOptions<SpeBotOptions> options)
{
    // This store's dialect difference (Storage/Dialect.cs): how a list parameter is matched.
    private readonly string _inVoteReactions = db.Provider.In("voteReactions");
    // PostgreSQL only: one person's reaction votes on one item take turns (see ReconcileReactionVoteAsync).
    private readonly string? _voterLock = db.Provider == StorageProvider.Postgres ? "SELECT pg_advisory_xact_lock(@key)" : null;

    public async Task<ReactionResult> ApplyReactionAsync(ReactionChange r, CancellationToken ct)
    {
        var o = options.Value;
        var outcome = await db.WriteAsync(async (c, tx) =>
        {
            if (r.EventKey is not null && !await inbox.TryRecordAsync(c, tx, r.Platform, r.EventKey, ct)) return new ReactionResult(ReactionOutcome.Duplicate);

            // Only reactions on SpeBot's cards are kept: every emoji on every message in the bot's channels arrives here,
            // and a row for each would grow the table forever for nothing but capture, which the outbox key dedupes.
            var message = await MessageAsync(c, tx, r, ct);
            // Another workspace's card (same channel and ts) is not this workspace's to vote on, claim or capture.
            if (message is not null && message.WorkspaceId != r.WorkspaceId) return new ReactionResult(ReactionOutcome.Ignored);
            if (message is null)
            {
                if (!r.Added || r.Reaction != o.CaptureReaction) return new ReactionResult(ReactionOutcome.Ignored);
                await outbox.EnqueueAsync(c, tx, new OutboundMessage(r.Platform, r.WorkspaceId, r.ChannelId, OutboxKinds.Capture,
                    new OutboundBody { MessageId = r.MessageId, UserId = r.UserId },
                    $"capture:{r.WorkspaceId}:{r.ChannelId}:{r.MessageId}"), ct);
                return new ReactionResult(ReactionOutcome.CaptureQueued);
            }

            // Rows changed tells whether it applied (an upsert whose WHERE refuses the update changes none); RETURNING would
            // make SQLite collect the row in a temporary table on every reaction.
            var applied = await c.RunAsync(tx, """
                INSERT INTO reaction_states (platform, channel_id, message_id, user_id, reaction, present, event_ts)
                VALUES (@p, @channelId, @messageId, @userId, @reaction, @present, @eventTs)
                ON CONFLICT (platform, channel_id, message_id, user_id, reaction) DO UPDATE
                  SET present = excluded.present, event_ts = excluded.event_ts
                  WHERE excluded.event_ts > reaction_states.event_ts
                """, ct, ("@p", r.Platform.Wire()), ("@channelId", r.ChannelId), ("@messageId", r.MessageId), ("@userId", r.UserId),
                ("@reaction", r.Reaction), ("@present", r.Added ? 1 : 0), ("@eventTs", r.EventTs));
            if (applied == 0) return new ReactionResult(ReactionOutcome.Stale);

            if (message is { Kind: "item_card", ItemId: { } itemId })
            {
                var voteSet = r.VoteReactions ?? o.VoteReactions;
                if (voteSet.Contains(r.Reaction, StringComparer.Ordinal))
                    return new ReactionResult(await ReconcileReactionVoteAsync(c, tx, r, message, message.VotesFor ?? itemId, voteSet, ct), itemId);
                // Claiming has its own rules and transaction (Lifecycle); the caller runs it after this commit.
                if (r.Added && r.Reaction == o.ClaimReaction) return new ReactionResult(ReactionOutcome.ClaimRequested, itemId);
                return new ReactionResult(ReactionOutcome.Ignored, itemId);
            }
            return new ReactionResult(ReactionOutcome.Ignored);
        }, ct);
        if (outcome.Outcome is ReactionOutcome.VoteAdded or ReactionOutcome.VoteRemoved or ReactionOutcome.CaptureQueued) signal.Notify();
        if (outcome.Outcome is ReactionOutcome.VoteAdded or ReactionOutcome.VoteRemoved) Counted(r.Platform, outcome.Outcome == ReactionOutcome.VoteAdded);
        return outcome;
    }

    /// <summary>A reacted message; for a card, the item its votes count for with that item's count, impact and effort.</summary>
    private sealed record ReactedMessage(long WorkspaceId, string Kind, long? ItemId, long? VotesFor, long Votes);

    /// <summary>What the reacted message is, if SpeBot posted it; for a card, the item its votes count for.</summary>
    private static async Task<ReactedMessage?> MessageAsync(DbConnection c, DbTransaction tx, ReactionChange r, CancellationToken ct)
    {
        // Votes on the card of a merged item count for the item it was merged into. That item's count comes along, so a
        // vote on SQLite writes its new count as a value (ScoreIndex.SetVotesAsync).
        var rows = await c.RowsAsync(tx, """
            SELECT m.workspace_id, m.kind, m.item_id, t.id, t.votes
            FROM posted_messages m LEFT JOIN items i ON i.id = m.item_id LEFT JOIN items t ON t.id = COALESCE(i.merged_into, i.id)
            WHERE m.platform = @p AND m.channel_id = @channelId AND m.message_id = @messageId
            """, ct, ("@p", r.Platform.Wire()), ("@channelId", r.ChannelId), ("@messageId", r.MessageId));
        return rows is [var row, ..]
            ? new ReactedMessage((long)row[0]!, (string)row[1]!, (long?)row[2], (long?)row[3], (long?)row[4] ?? 0)
            : null;
    }

    /// <summary>
    /// The vote exists while the person has any vote reaction on any card of the item, or of an item merged into it
    /// (or voted with the button).
    /// </summary>
    private async Task<ReactionOutcome> ReconcileReactionVoteAsync(DbConnection c, DbTransaction tx, ReactionChange r, ReactedMessage card,
                                                                  long itemId, string[] voteReactions, CancellationToken ct)
    {
        // On SQLite's single writer the read below and the write after it cannot interleave with another reaction; on
        // PostgreSQL two reactions of one person (added on one instance, another removed on a second) could, and leave
        // the vote contrary to the reactions, so they take turns on a lock held to the commit.
        if (_voterLock is not null) await c.RunAsync(tx, _voterLock, ct, ("@key", AdvisoryLocks.Voter(itemId, r.UserId)));
        // A vote reaction just added is itself the reason to hold the vote; only a removal asks whether another remains.
        var stillReacting = r.Added || await c.ExecuteScalarAsync<long>(new CommandDefinition($"""
            SELECT COUNT(*) FROM reaction_states s
            JOIN posted_messages m ON m.platform = s.platform AND m.channel_id = s.channel_id AND m.message_id = s.message_id
            WHERE (m.item_id = @itemId OR m.item_id IN (SELECT id FROM items WHERE merged_into = @itemId))
              AND m.kind = 'item_card' AND s.user_id = @UserId AND s.present = 1 AND s.reaction {_inVoteReactions}
            """, new { itemId, r.UserId, voteReactions }, tx, cancellationToken: ct)) > 0;
        int changed;
        if (stillReacting)
        {
            changed = await c.RunAsync(tx, """
                INSERT INTO votes (item_id, voter_id, via, created_at) VALUES (@itemId, @userId, 'reaction', @now)
                ON CONFLICT (item_id, voter_id) DO NOTHING
                """, ct, ("@itemId", itemId), ("@userId", r.UserId), ("@now", Iso.Of(clock.GetUtcNow())));
        }
        else
        {
            changed = await c.ExecuteAsync(new CommandDefinition(
                "DELETE FROM votes WHERE item_id = @itemId AND voter_id = @UserId AND via = 'reaction'",
                new { itemId, r.UserId }, tx, cancellationToken: ct));
        }
        if (changed == 0) return ReactionOutcome.Unchanged;
        // SQLite: the count was read in this transaction (MessageAsync) and only the one writer changes it, so the new
        // values are written as they are. PostgreSQL: another person's vote on the item may commit in between (the voter
        // lock is per person), so the row adds its delta itself under its row lock.
        if (_voterLock is null)
            await ScoreIndex.SetVotesAsync(c, tx, itemId, card.Votes + (stillReacting ? 1 : -1), ct);
        else
            await ScoreIndex.AddVotesAsync(c, tx, itemId, stillReacting ? 1 : -1, options.Value.Score, ct);
        await items.AppendEventAsync(c, tx, itemId, r.UserId, stillReacting ? "voted" : "unvoted", r.Reaction, r.Platform.Wire(), r.ChannelId, ct);
        await cards.EnqueueAsync(c, tx, r.Platform, r.WorkspaceId, itemId, ct);
        return stillReacting ? ReactionOutcome.VoteAdded : ReactionOutcome.VoteRemoved;
    }

    /// <summary>
    /// The Vote button: adds the person's vote, or withdraws it if they already voted (by any means).
    /// With an <paramref name="eventKey"/> a retried click (same key) changes nothing and reports the current state.
    /// </summary>
    public async Task<(Item Item, bool Voted)> ToggleAsync(Platform platform, long itemId, string userId, string? channelId, CancellationToken ct,
                                                           string? eventKey = null)
    {
        var result = await db.WriteAsync(async (c, tx) =>
        {
            if (eventKey is not null && !await inbox.TryRecordAsync(c, tx, platform, eventKey, ct))
            {
                var current = await c.QuerySingleAsync<Item>(new CommandDefinition($"{ItemStore.Select} WHERE i.id = @itemId", new { itemId }, tx, cancellationToken: ct));
                var has = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COUNT(*) FROM votes WHERE item_id = @itemId AND voter_id = @userId", new { itemId, userId }, tx, cancellationToken: ct)) > 0;
                return (Item: current, Voted: has, Changed: false);
            }
            var removed = await c.ExecuteAsync(new CommandDefinition(
                "DELETE FROM votes WHERE item_id = @itemId AND voter_id = @userId", new { itemId, userId }, tx, cancellationToken: ct));
            if (removed == 0)
            {
                await c.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO votes (item_id, voter_id, via, created_at) VALUES (@itemId, @userId, 'button', @now)",
                    new { itemId, userId, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct));
            }
            await ScoreIndex.AddVotesAsync(c, tx, itemId, removed == 0 ? 1 : -removed, options.Value.Score, ct);
            await items.AppendEventAsync(c, tx, itemId, userId, removed == 0 ? "voted" : "unvoted", "button", platform.Wire(), channelId, ct);
            var item = await c.QuerySingleAsync<Item>(new CommandDefinition($"{ItemStore.Select} WHERE i.id = @itemId", new { itemId }, tx, cancellationToken: ct));
            await cards.EnqueueAsync(c, tx, platform, item.WorkspaceId, itemId, ct);
            return (Item: item, Voted: removed == 0, Changed: true);
        }, ct);
        signal.Notify();
        if (result.Changed) Counted(platform, result.Voted);
        return (result.Item, result.Voted);
    }

    private static void Counted(Platform platform, bool added) =>
        Telemetry.Votes.Add(1, Telemetry.PlatformTag(platform), new("spebot.vote.change", added ? "added" : "removed"));
}
