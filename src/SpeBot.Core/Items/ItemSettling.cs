using Microsoft.Extensions.Options;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>
/// Brings item_counts, item_people, settled_created and settled_open up to date with new items in bulk (SQLite,
/// migrations 0012 and 0014), and base_score with the votes cast since the last pass (0015). A proposal on SQLite
/// writes only its row; a pass here then counts the items after settle_mark per (status, category), adds them to their
/// authors' pages of item_people and to the time-ordered tables, each page once for the whole pass rather than once per
/// proposal, and moves the mark past them. Readers meanwhile add the items after the mark themselves (item_totals,
/// item_created, <see cref="ItemQueries"/>' person lookups), so nothing waits for a pass. A pass runs on the single
/// writer, which commits ids in order, so the items after the mark are exactly the ones not yet settled, and each item
/// is settled with the status it has then (tr_items_count_update leaves an item after the mark alone). PostgreSQL
/// settles each item in its own transaction and has no mark row: a pass finds nothing there.
/// </summary>
public sealed class ItemSettling(Database db, IOptions<SpeBotOptions>? options = null)
{
    private readonly ScoreWeights _weights = options?.Value.Score ?? new ScoreWeights();

    /// <summary>
    /// Items settled per pass at most. A pass holds the single writer, and proposals queued behind it wait: 20,000 at a
    /// time made the benchmark's p99 twice d8050ac's. Passes follow each other at once while they are full, each after the
    /// writes queued before it, so a burst still settles as fast as it arrives.
    /// </summary>
    public const int MaxBatch = 2_000;

    /// <summary>
    /// Tables only SQLite keeps (migration 0014): PostgreSQL reads the same rows from items through its indexes, under views
    /// of these names, so a copy to PostgreSQL leaves them behind.
    /// </summary>
    public static readonly IReadOnlyList<string> SqliteOnlyTables = ["settled_created", "settled_open"];

    /// <summary>
    /// Settles up to <see cref="MaxBatch"/> items after the mark, oldest first, and rewrites base_score of the items
    /// votes listed in stale_scores (migration 0015); returns how many items were settled.
    /// </summary>
    public Task<int> SettleAsync(CancellationToken ct = default) => db.Provider != StorageProvider.Sqlite ? Task.FromResult(0) : db.WriteAsync(async (c, tx) =>
    {
        await ScoreIndex.RescoreStaleAsync(c, tx, _weights, ct);
        var range = new (string, object?)[] { ("@max", MaxBatch) };
        // The pass's last id: the mark plus MaxBatch (ids are dense: items are never deleted) or the newest item.
        var to = (long)(await c.ScalarAsync(tx, "SELECT MIN((SELECT last_item_id FROM settle_mark) + @max, COALESCE((SELECT MAX(id) FROM items), 0))", ct, range))!;
        var from = (long)(await c.ScalarAsync(tx, "SELECT last_item_id FROM settle_mark", ct))!;
        if (to <= from) return 0;
        var args = new (string, object?)[] { ("@from", from), ("@to", to) };
        await c.RunAsync(tx, """
            INSERT INTO item_counts (workspace_id, status, category, n)
            SELECT workspace_id, status, category, COUNT(*) FROM items WHERE id > @from AND id <= @to
            GROUP BY workspace_id, status, category
            ON CONFLICT (workspace_id, status, category) DO UPDATE SET n = item_counts.n + excluded.n
            """, ct, args);
        await c.RunAsync(tx, """
            INSERT INTO item_people (workspace_id, author_id, status, number, item_id)
            SELECT workspace_id, author_id, status, number, id FROM items WHERE id > @from AND id <= @to
            """, ct, args);
        // In key order: the rows land on the tables' last pages, each written once per pass.
        await c.RunAsync(tx, """
            INSERT INTO settled_created (workspace_id, created_at, item_id)
            SELECT workspace_id, created_at, id FROM items WHERE id > @from AND id <= @to ORDER BY 1, 2, 3
            """, ct, args);
        await c.RunAsync(tx, """
            INSERT INTO settled_open (workspace_id, updated_at, item_id)
            SELECT workspace_id, updated_at, id FROM items WHERE id > @from AND id <= @to AND status IN ('proposed', 'accepted', 'in_progress')
            ORDER BY 1, 2, 3
            """, ct, args);
        await c.RunAsync(tx, "UPDATE settle_mark SET last_item_id = @to", ct, ("@to", to));
        return (int)(to - from);
    }, ct);

    /// <summary>Settles every item after the mark (tools that wrote many items at once, a copy to PostgreSQL).</summary>
    public async Task<int> SettleAllAsync(CancellationToken ct = default)
    {
        var total = 0;
        for (int n; (n = await SettleAsync(ct)) > 0;) total += n;
        return total;
    }
}
