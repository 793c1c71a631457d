using System.Data.Common;
using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Outbox;

/// <summary>
/// The outbox claim where several instances share the rows (PostgreSQL). Each channel has a row in outbox_channels; a
/// claim locks the channel rows it wants with <c>FOR UPDATE SKIP LOCKED</c> (a channel another instance is claiming right
/// now is skipped, not waited for), and only then, in a statement whose snapshot sees every earlier holder's commit,
/// leases each channel's oldest pending row and records it as the channel's holder. So across instances:
/// <list type="bullet">
/// <item>a row is leased by one claim only (row locks; the lease is re-checked on the newest row version);</item>
/// <item>a channel has at most one leased row, its oldest pending one (order: a card before its updates) — also when a
/// coalescing write turns an older, sent row of the channel pending again while a newer one is in flight;</item>
/// <item>the channel's next post starts no earlier than its <c>free_at</c>, which the mark-sent sets to the answer's time
/// plus the pacing interval: two posts to one channel are that far apart whichever instances send them;</item>
/// <item>a lease left by a killed instance ends at <c>held_until</c>; the next claim after it takes the channel over, and
/// the old holder's late outcome is fenced out (<see cref="Fenced"/>).</item>
/// </list>
/// </summary>
public sealed partial class OutboxStore
{
    private static readonly string ClaimedColumnsOfO = string.Join(", ", ClaimedColumns.Split(", ").Select(col => "o." + col));

    private async Task<IReadOnlyList<OutboxRow>> ClaimWithChannelsAsync(int max, TimeSpan lease, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var args = new { now = Iso.Of(now), lease = Iso.Of(now + lease), max };
        // Candidates from a read (cheap, possibly stale); the transaction below decides.
        var heads = (await db.ReadAsync(c => c.QueryAsync<(long Id, string Platform, string ChannelId)>(new CommandDefinition(
            HeadsSql, args, cancellationToken: ct)), ct)).ToList();
        if (heads.Count == 0) return [];
        return await db.WriteAsync(async (c, tx) =>
        {
            var platforms = heads.Select(h => h.Platform).ToArray();
            var channels = heads.Select(h => h.ChannelId).ToArray();
            // A channel's first post creates its row; an existing row is left alone (DO NOTHING takes no lock).
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO outbox_channels (platform, channel_id, free_at)
                SELECT k.platform, k.channel_id, @now FROM unnest(@platforms, @channels) AS k(platform, channel_id)
                ON CONFLICT (platform, channel_id) DO NOTHING
                """, new { args.now, platforms, channels }, tx, cancellationToken: ct));
            var free = (await c.QueryAsync<(string Platform, string ChannelId, string FreeAt)>(new CommandDefinition("""
                SELECT platform, channel_id, free_at FROM outbox_channels
                WHERE (platform, channel_id) IN (SELECT * FROM unnest(@platforms, @channels))
                  AND (held_until IS NULL OR held_until <= @now)
                ORDER BY platform, channel_id
                FOR UPDATE SKIP LOCKED
                """, new { args.now, platforms, channels }, tx, cancellationToken: ct))).ToList();
            if (free.Count == 0) return (IReadOnlyList<OutboxRow>)[];
            // A new statement, so a new snapshot: it sees what the channel's previous holder committed before its lock was released.
            var leased = (await c.QueryAsync<OutboxRow>(new CommandDefinition($"""
                WITH head AS (
                  SELECT (SELECT h.id FROM outbox h
                          WHERE h.status = 'pending' AND h.platform = k.platform AND h.channel_id = k.channel_id
                          ORDER BY h.id LIMIT 1) AS id
                  FROM unnest(@platforms, @channels) AS k(platform, channel_id)
                )
                UPDATE outbox o SET locked_until = @lease
                FROM head
                WHERE o.id = head.id AND o.next_attempt_at <= @now AND (o.locked_until IS NULL OR o.locked_until <= @now)
                RETURNING {ClaimedColumnsOfO}
                """, new
            {
                args.now, args.lease,
                platforms = free.Select(f => f.Platform).ToArray(), channels = free.Select(f => f.ChannelId).ToArray(),
            }, tx, cancellationToken: ct))).OrderBy(r => r.Id).ToList();
            if (leased.Count == 0) return leased;
            await c.ExecuteAsync(new CommandDefinition("""
                UPDATE outbox_channels ch SET holder_id = l.id, held_until = @lease
                FROM unnest(@ids, @platforms, @channels) AS l(id, platform, channel_id)
                WHERE ch.platform = l.platform AND ch.channel_id = l.channel_id
                """, new
            {
                args.lease, ids = leased.Select(r => r.Id).ToArray(),
                platforms = leased.Select(r => r.Platform).ToArray(), channels = leased.Select(r => r.ChannelId).ToArray(),
            }, tx, cancellationToken: ct));
            var freeAt = free.ToDictionary(f => (f.Platform, f.ChannelId), f => Iso.Parse(f.FreeAt));
            foreach (var row in leased)
            {
                var at = freeAt[(row.Platform, row.ChannelId)];
                row.StartAt = at > now ? at : now;
            }
            return leased;
        }, ct);
    }

    /// <summary>
    /// Frees the row's channel for the next claim (PostgreSQL; SQLite has no channel rows in use), not before
    /// <paramref name="freeAt"/> when given. Only the holder frees it: a late outcome of a lease taken over changes nothing.
    /// </summary>
    private async Task ReleaseChannelAsync(DbConnection c, DbTransaction tx, OutboxRow row, DateTimeOffset? freeAt, CancellationToken ct)
    {
        if (db.Provider != StorageProvider.Postgres || row.LockedUntil is null) return;
        await c.ExecuteAsync(new CommandDefinition("""
            UPDATE outbox_channels SET holder_id = NULL, held_until = NULL,
                                       free_at = CASE WHEN @freeAt IS NOT NULL AND @freeAt > free_at THEN @freeAt ELSE free_at END
            WHERE platform = @Platform AND channel_id = @ChannelId AND holder_id = @Id AND held_until = @LockedUntil
            """, new { row.Platform, row.ChannelId, row.Id, row.LockedUntil, freeAt = freeAt is { } f ? Iso.Of(UpToMillisecond(f)) : null },
            tx, cancellationToken: ct));
    }

    /// <summary>Times are stored to the millisecond; rounding down would let the next post start up to 1 ms early.</summary>
    private static DateTimeOffset UpToMillisecond(DateTimeOffset t) =>
        new((t.UtcTicks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
