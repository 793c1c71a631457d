using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>
/// Brings item_counts, settled_created, settled_open and settled_scores up to date with new items in bulk (SQLite,
/// migrations 0012, 0014 and 0018), base_score with the votes cast since the last pass (0015), and item_people with its
/// own mark (0016). A
/// proposal on SQLite writes only its row; a pass here then counts the items after settle_mark per (status, category),
/// adds them to the time-ordered tables, each page once for the whole pass rather than once per proposal, and moves the
/// mark past them. Once it has caught up, the items after people_item_id are listed under their authors in author
/// order, a range of authors per write. Readers meanwhile add the items after each mark themselves (item_totals,
/// item_created, <see cref="ItemQueries"/>' person lookups), so nothing waits for a pass. A pass runs on the single
/// writer, which commits ids in order, so the items after a mark are exactly the ones not yet settled, and each item is
/// settled with the status it has then (tr_items_count_update leaves an item after the mark alone; tr_items_people_status
/// follows every listed one). PostgreSQL settles each item in its own transaction and has no mark row: a pass finds
/// nothing there.
/// </summary>
public sealed class ItemSettling(Database db, IOptions<SpeBotOptions>? options = null)
{
    private readonly ScoreWeights _weights = options?.Value.Score ?? new ScoreWeights();

    /// <summary>
    /// Items settled per pass at most. A pass holds the single writer, and proposals queued behind it wait: 20,000 at a
    /// time made the benchmark's p99 twice d8050ac's. Passes follow each other at once while they are full, each after the
    /// writes queued before it, so a burst still settles as fast as it arrives. 1,000 rather than 2,000 since passes stopped
    /// sorting: in process (256 callers, six runs of three rounds, taking turns) p99 18.9 ms against 21.3 and about 4 %
    /// more proposals per second.
    /// </summary>
    public const int MaxBatch = 1_000;

    /// <summary>
    /// Items one people pass lists at most, and about how many each of its writes takes (a range of authors). The pages
    /// an author's entries go to are written once per pass, so the more items a pass takes, the fewer pages per item:
    /// with the benchmark's 500 authors, a pass over 2,000 items cost the writer about 6 µs per proposal and one over
    /// 16,000 about 1.5. A write holds the writer for its items only, as a settle pass does.
    /// </summary>
    public const int PeopleMax = 32_000, PeopleWrite = 4_000;

    /// <summary>
    /// Tables only SQLite keeps (migrations 0014, 0018): PostgreSQL reads the same rows from items through its indexes, under views
    /// of these names, so a copy to PostgreSQL leaves them behind.
    /// </summary>
    public static readonly IReadOnlyList<string> SqliteOnlyTables = ["settled_created", "settled_open", "settled_scores"];

    /// <summary>
    /// Settles up to <see cref="MaxBatch"/> items after the mark, oldest first, and rewrites base_score of the items
    /// votes listed in stale_scores (migration 0015); once that has caught up (fewer than a full batch), lists the items
    /// after the people mark under their authors (<see cref="ListUnderAuthorsAsync"/>). Returns how many items were
    /// settled, not listed: a full batch means more are waiting.
    /// </summary>
    public async Task<int> SettleAsync(CancellationToken ct = default)
    {
        var settled = await SettleNewAsync(ct);
        // During a burst the people pass waits for the settle passes to catch up, so it takes the whole burst at once.
        if (settled < MaxBatch) await ListUnderAuthorsAsync(ct);
        return settled;
    }

    internal Task<int> SettleNewAsync(CancellationToken ct = default) => db.Provider != StorageProvider.Sqlite ? Task.FromResult(0) : db.WriteAsync(async (c, tx) =>
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
        // In id order, not sorted into key order: new rows land near the ends of their workspaces' keys either way, and
        // sorting 2,000 rows per statement cost the writer about 1 µs per item of the pass's 2.6 (measured in process).
        await c.RunAsync(tx, """
            INSERT INTO settled_created (workspace_id, created_at, item_id)
            SELECT workspace_id, created_at, id FROM items WHERE id > @from AND id <= @to
            """, ct, args);
        await c.RunAsync(tx, """
            INSERT INTO settled_open (workspace_id, updated_at, item_id)
            SELECT workspace_id, updated_at, id FROM items WHERE id > @from AND id <= @to AND status IN ('proposed', 'accepted', 'in_progress')
            """, ct, args);
        // After the rescore above, so each enters with its base_score from its count now (0018).
        await c.RunAsync(tx, """
            INSERT INTO settled_scores (workspace_id, base_score, number, item_id)
            SELECT workspace_id, base_score, number, id FROM items WHERE id > @from AND id <= @to AND status IN ('proposed', 'accepted', 'in_progress')
            """, ct, args);
        await c.RunAsync(tx, "UPDATE settle_mark SET last_item_id = @to", ct, ("@to", to));
        return (int)(to - from);
    }, ct);

    /// <summary>
    /// Lists up to <see cref="PeopleMax"/> items after the people mark in item_people and moves the mark past them;
    /// returns how many. Their authors are read first and cut into ranges of about <see cref="PeopleWrite"/> items, and
    /// each range is one write, so the writer is held for a range at a time and each author's pages are written once per
    /// pass. Until the last write moves the mark, the items of a range listed before it are found both in item_people and
    /// after the mark; every person reader unites its sources, so each is read once. A pass cut short
    /// (a stop, a failure) is redone by the next, which leaves an entry listed already as it is (tr_items_people_status
    /// has kept its status).
    /// </summary>
    public async Task<int> ListUnderAuthorsAsync(CancellationToken ct = default)
    {
        if (db.Provider != StorageProvider.Sqlite) return 0;
        var (from, to) = await db.ReadAsync(c => c.QuerySingleAsync<(long, long)>(new CommandDefinition(
            "SELECT people_item_id, MIN(people_item_id + @max, (SELECT COALESCE(MAX(id), 0) FROM items)) FROM settle_mark",
            new { max = PeopleMax }, cancellationToken: ct)), ct);
        if (to <= from) return 0;
        var authors = await db.ReadAsync(c => c.QueryAsync<(long Workspace, string Author, long Items)>(new CommandDefinition("""
            SELECT workspace_id, author_id, COUNT(*) FROM items WHERE id > @from AND id <= @to
            GROUP BY workspace_id, author_id ORDER BY workspace_id, author_id
            """, new { from, to }, cancellationToken: ct)), ct);
        // Each range ends after an author; the last one has no end, so every item of the span is listed whatever the cut.
        var ends = new List<(long Workspace, string Author)>();
        long items = 0;
        foreach (var a in authors)
            if ((items += a.Items) >= PeopleWrite) { ends.Add((a.Workspace, a.Author)); items = 0; }
        var start = (Workspace: 0L, Author: "");
        for (var i = 0; i <= ends.Count; i++)
        {
            var last = i == ends.Count;
            var end = last ? (Workspace: long.MaxValue, Author: "") : ends[i];
            var args = new (string, object?)[] { ("@from", from), ("@to", to), ("@w0", start.Workspace), ("@a0", start.Author), ("@w1", end.Workspace), ("@a1", end.Author) };
            await db.WriteAsync(async (c, tx) =>
            {
                await c.RunAsync(tx, ListRangeSql, ct, args);
                // Another pass may have moved the mark meanwhile (a test, a tool); its entries are listed either way.
                if (last) await c.RunAsync(tx, "UPDATE settle_mark SET people_item_id = @to WHERE people_item_id = @from", ct, ("@from", from), ("@to", to));
                return 0;
            }, ct);
            start = end;
        }
        return (int)(to - from);
    }

    /// <summary>
    /// One write of a people pass: the entries of the authors after (@w0, @a0) up to (@w1, @a1) among the items of the
    /// pass, in id order (sorting them first cost more than it saved the inserts). The unary "+" keeps the planner on the
    /// pass's range of ids rather than a workspace index; unlike "+ 0" and "|| ''" it computes nothing, and every write
    /// tests every item of the span (a third less time scanning).
    /// </summary>
    internal const string ListRangeSql = """
        INSERT OR IGNORE INTO item_people (workspace_id, author_id, status, number, item_id)
        SELECT workspace_id, author_id, status, number, id FROM items
        WHERE id > @from AND id <= @to AND (+workspace_id, +author_id) > (@w0, @a0) AND (+workspace_id, +author_id) <= (@w1, @a1)
        """;

    /// <summary>Settles and lists every item after the marks (tools that wrote many items at once, a copy to PostgreSQL).</summary>
    public async Task<int> SettleAllAsync(CancellationToken ct = default)
    {
        var total = 0;
        for (int n; (n = await SettleNewAsync(ct)) > 0;) total += n;
        while (await ListUnderAuthorsAsync(ct) > 0) { }
        return total;
    }
}
