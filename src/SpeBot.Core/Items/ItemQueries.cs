using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>
/// What people look for: lists by status, category and person, the top by score, search, mine. Every read costs the
/// page it shows plus an index lookup, not the backlog: counts come from item_totals (item_counts and the items after the settle mark), vote counts and the time-free
/// part of the score from the item's own row (see migration 0004).
/// </summary>
public sealed class ItemQueries(Database db, TimeProvider clock, IOptions<SpeBotOptions> options)
{
    public static readonly IReadOnlyList<string> OpenStatuses = ["proposed", "accepted", "in_progress"];

    // Status names go into the SQL as literals (they come from ItemStatus, never from the user), so the planner sees
    // them and can use the partial indexes on open items.
    private const string OpenIn = "('proposed', 'accepted', 'in_progress')";
    // This store's dialect differences (Storage/Dialect.cs), fixed by the provider once.
    private readonly StorageProvider _sql = db.Provider;

    private volatile bool _basisChecked;
    private readonly SearchText _search = new(db);

    public sealed record Filter(IReadOnlyList<string>? Statuses = null, string? Category = null, string? UserId = null);

    /// <summary>One page of a list, newest first, and how many items the whole list holds.</summary>
    public sealed record Page(IReadOnlyList<ItemView> Items, int Total, int Number, int Pages);

    /// <summary>
    /// Page <paramref name="page"/> (from 1; past the end gives the last) of <paramref name="pageSize"/> items.
    /// Without a person each status is read newest first on (workspace, status, number), only as far as the page, and
    /// merged; the total is summed from item_totals. With a person, their items are few and come from the person indexes.
    /// </summary>
    public async Task<Page> PageAsync(long workspaceId, Filter filter, int page, int pageSize, CancellationToken ct = default)
    {
        var statuses = (filter.Statuses ?? OpenStatuses).Where(s => ItemLifecycle.TryParse(s, out var p) && p.Wire() == s).Distinct().ToList();
        if (statuses.Count == 0) return new Page([], 0, 1, 0);
        var inList = "(" + string.Join(", ", statuses.Select(s => $"'{s}'")) + ")";
        var args = new DynamicParameters(new { workspaceId, category = filter.Category, userId = filter.UserId });
        var categoryTerm = filter.Category is null ? "" : " AND i.category = @category";
        return await db.ReadAsync(async c =>
        {
            int total;
            if (filter.UserId is null)
            {
                total = await c.ExecuteScalarAsync<int>(new CommandDefinition($"""
                    SELECT COALESCE(SUM(n), 0) FROM item_totals
                    WHERE workspace_id = @workspaceId AND status IN {inList}{(filter.Category is null ? "" : " AND category = @category")}
                    """, args, cancellationToken: ct));
            }
            else
            {
                total = await c.ExecuteScalarAsync<int>(new CommandDefinition(PersonCount(inList, categoryTerm), args, cancellationToken: ct));
            }
            if (total == 0) return new Page([], 0, 1, 0);
            var pages = (total + pageSize - 1) / pageSize;
            page = Math.Clamp(page, 1, pages);
            var skip = (page - 1) * pageSize;
            args.Add("take", pageSize);
            args.Add("skip", skip);
            args.Add("upTo", skip + pageSize);
            string sql;
            if (filter.UserId is null)
            {
                // One newest-first run per status, each cut at the end of the page, merged: never more index entries
                // than statuses × (skip + take), whatever the backlog. The runs carry only (number, id), which
                // ix_items_status_number holds, so the skipped entries cost no row reads; the page's rows are read last.
                var runs = statuses.Select((s, k) => $"""
                    SELECT * FROM (SELECT i.number, i.id FROM items i WHERE i.workspace_id = @workspaceId AND i.status = '{s}'{categoryTerm}
                                   ORDER BY i.number DESC LIMIT @upTo) AS s{k}
                    """);
                sql = $"""
                    {ItemStore.Select} WHERE i.id IN (
                      SELECT id FROM ({string.Join("\nUNION ALL\n", runs)}) AS runs ORDER BY number DESC LIMIT @take OFFSET @skip)
                    ORDER BY i.number DESC
                    """;
            }
            else
            {
                // The same for a person: one run per person column and status on the person indexes (workspace, person,
                // status, number), each cut at the end of the page; UNION drops an item that is both theirs and claimed.
                var runs = PersonSources.SelectMany(p => statuses.Select(s => (p, s))).Select((r, k) => $"""
                    SELECT * FROM ({r.p($"= '{r.s}'", categoryTerm)}
                                   ORDER BY number DESC LIMIT @upTo) AS p{k}
                    """);
                sql = $"""
                    {ItemStore.Select} WHERE i.id IN (
                      SELECT id FROM ({string.Join("\nUNION\n", runs)}) AS runs ORDER BY number DESC LIMIT @take OFFSET @skip)
                    ORDER BY i.number DESC
                    """;
            }
            var rows = await c.QueryAsync<Item>(new CommandDefinition(sql, args, cancellationToken: ct));
            return new Page(rows.Select(View).ToList(), total, page, pages);
        }, ct);
    }

    /// <summary>
    /// How many of a person's items a list holds: a union of three person-index lookups (written as an OR, the planner
    /// walked a whole status instead). Without a category it reads the indexes alone.
    /// </summary>
    private static string PersonCount(string inList, string categoryTerm) =>
        "SELECT COUNT(*) FROM (" + string.Join("\nUNION\n", PersonSources.Select(p => $"SELECT id FROM ({p($"IN {inList}", categoryTerm)}) AS s")) + ") AS counted";

    /// <summary>
    /// Where a person's (@userId) items are found, each source giving (number, id) for a status term and a category term
    /// on items i: what they proposed, from item_people and from the items after the people mark (migrations 0012 and
    /// 0016: a short range of ids, see <see cref="ItemSettling"/>; "workspace_id + 0" keeps the planner on that range
    /// rather than a workspace index; an item listed by a people pass that has not moved the mark yet is in both, and
    /// every reader unites the sources, so it is read once); what they claimed; and their messages someone captured.
    /// </summary>
    private static readonly Func<string, string, string>[] PersonSources =
    [
        (status, category) => category.Length == 0
            ? $"SELECT p.number AS number, p.item_id AS id FROM item_people p WHERE p.workspace_id = @workspaceId AND p.author_id = @userId AND p.status {status}"
            : $"""
              SELECT p.number AS number, p.item_id AS id FROM item_people p JOIN items i ON i.id = p.item_id
              WHERE p.workspace_id = @workspaceId AND p.author_id = @userId AND p.status {status}{category}
              """,
        (status, category) => $"""
            SELECT i.number, i.id FROM items i
            WHERE i.id > (SELECT people_item_id FROM settle_mark) AND i.workspace_id + 0 = @workspaceId AND i.author_id = @userId AND i.status {status}{category}
            """,
        (status, category) => $"SELECT i.number, i.id FROM items i WHERE i.workspace_id = @workspaceId AND i.claimed_by = @userId AND i.status {status}{category}",
        (status, category) => $"SELECT i.number, i.id FROM items i WHERE i.workspace_id = @workspaceId AND i.source_author_id = @userId AND i.status {status}{category}",
    ];

    // What top scores from the counts instead of settled_scores (SQLite): the items votes listed since the last settle
    // pass (0015), at their old base_score there, and the new items after the settle mark (0018), not there yet. An item
    // may be in both. CROSS JOIN and "+ 0" / "|| ''" keep each list first: filtered by workspace, the planner walked the
    // workspace's open items and looked each up in the list.
    internal const string WaitingOpenSql = $"""
        SELECT i.* FROM stale_scores s CROSS JOIN items i
        WHERE i.id = s.item_id AND i.workspace_id = @workspaceId AND i.status IN {OpenIn}
        UNION ALL
        SELECT i.* FROM items i
        WHERE i.id > (SELECT last_item_id FROM settle_mark) AND i.workspace_id + 0 = @workspaceId AND i.status || '' IN {OpenIn}
        """;

    // The settled open items by base_score, highest first, ties to the lower number: SQLite's settle pass keeps them in
    // settled_scores in that order (0018). PostgreSQL writes ix_items_open_score with each item and reads it directly:
    // its settled_scores view joined back to items, with no LIMIT, is planned as a sort of every open item (160 ms at
    // 100k), where the index scan streams and top stops after a few rows.
    internal const string ByScoreSql = """
        SELECT i.* FROM settled_scores s CROSS JOIN items i WHERE s.workspace_id = @workspaceId AND i.id = s.item_id
        ORDER BY s.base_score DESC, s.number
        """;

    internal const string PostgresByScoreSql = $"""
        SELECT i.* FROM items i WHERE i.workspace_id = @workspaceId AND i.status IN {OpenIn} ORDER BY i.base_score DESC, i.number
        """;

    /// <summary>
    /// Open items by score, highest first; ties go to the older item. The score is base × age factor, and the age
    /// factor lies between 1 and <see cref="Scoring.MaxAgeFactor"/> (the age cap). So the open items are read by
    /// base_score, highest first (an index), each scored exactly, and the read stops at the first item whose base
    /// times the largest age factor cannot reach the n-th best score found: no later item can beat or tie it.
    /// </summary>
    public async Task<IReadOnlyList<ItemView>> TopAsync(long workspaceId, int n, CancellationToken ct = default)
    {
        if (n <= 0) return [];
        await EnsureScoreBasisAsync(ct);
        var w = options.Value.Score;
        var maxAge = Scoring.MaxAgeFactor(w);
        var now = clock.GetUtcNow();
        var best = new List<ItemView>(n + 1);
        void Consider(Item item)
        {
            var view = new ItemView(item, Scoring.Score(item, w, now));
            var at = best.FindIndex(b => view.Score > b.Score || (view.Score == b.Score && view.Item.Number < b.Item.Number));
            if (at < 0) at = best.Count;
            if (at >= n) return;
            best.Insert(at, view);
            if (best.Count > n) best.RemoveAt(n);
        }
        await using var c = await db.OpenAsync(ct);
        // Items voted on or proposed since the last settle pass (SQLite) are scored from their counts here and skipped in
        // the walk, whose bound then holds for every item it reads: a voted one sits in settled_scores at its old base_score,
        // a new one is not there yet. A pass runs about once a second, so these are the last second's or so.
        var skip = new HashSet<long>();
        foreach (var item in await c.QueryAsync<Item>(new CommandDefinition(WaitingOpenSql, new { workspaceId }, cancellationToken: ct)))
            if (skip.Add(item.Id)) Consider(item);
        var rows = c.QueryUnbufferedAsync<Item>(db.Provider == StorageProvider.Postgres ? PostgresByScoreSql : ByScoreSql, new { workspaceId });
        await foreach (var item in rows.WithCancellation(ct))
        {
            if (skip.Contains(item.Id)) continue;
            if (best.Count == n && Math.Round(item.BaseScore * maxAge, 2) < best[^1].Score) break;
            Consider(item);
        }
        return best;
    }

    /// <summary>How many open items the workspace has (from item_totals).</summary>
    public Task<int> OpenCountAsync(long workspaceId, CancellationToken ct = default) =>
        db.ReadAsync(c => c.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT COALESCE(SUM(n), 0) FROM item_totals WHERE workspace_id = @workspaceId AND status IN {OpenIn}",
            new { workspaceId }, cancellationToken: ct)), ct);

    /// <summary>Fills base_score once per process if the configured weights changed (ScoreIndex); cheap when current.</summary>
    public async Task EnsureScoreBasisAsync(CancellationToken ct = default)
    {
        if (_basisChecked) return;
        await ScoreIndex.EnsureAsync(db, options.Value.Score, clock, ct);
        _basisChecked = true;
    }

    /// <summary>
    /// Every word must appear in the title or detail. Plain substring matching (no tokenizer), so Japanese,
    /// which has no spaces between words, is found too. The newest 200 matches, newest first.
    /// </summary>
    public async Task<IReadOnlyList<ItemView>> SearchAsync(long workspaceId, IReadOnlyList<string> words, CancellationToken ct = default) =>
        await ReadIdsAsync(await _search.FindAsync(workspaceId, words, MaxSearchResults, ct), ct);

    public const int MaxSearchResults = 200;

    /// <summary>One page of <see cref="SearchAsync"/>'s results: only the page's rows are read.</summary>
    public async Task<Page> SearchPageAsync(long workspaceId, IReadOnlyList<string> words, int page, int pageSize, CancellationToken ct = default)
    {
        var ids = await _search.FindAsync(workspaceId, words, MaxSearchResults, ct);
        if (ids.Count == 0) return new Page([], 0, 1, 0);
        var pages = (ids.Count + pageSize - 1) / pageSize;
        page = Math.Clamp(page, 1, pages);
        return new Page(await ReadIdsAsync(ids.Skip((page - 1) * pageSize).Take(pageSize).ToList(), ct), ids.Count, page, pages);
    }

    private async Task<IReadOnlyList<ItemView>> ReadIdsAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var rows = await db.ReadAsync(c => c.QueryAsync<Item>(new CommandDefinition(
            $"{ItemStore.Select} WHERE i.id {_sql.In("ids")} ORDER BY i.number DESC", new { ids }, cancellationToken: ct)), ct);
        return rows.Select(View).ToList();
    }

    /// <summary>
    /// The person's open items: the newest 200 they proposed and the newest 200 they claimed, each read per open status
    /// from the person indexes only as far as 200, so the cost is what is shown, not how many items they ever had.
    /// </summary>
    public async Task<(IReadOnlyList<ItemView> Proposed, IReadOnlyList<ItemView> Claimed)> MineAsync(long workspaceId, string userId, CancellationToken ct = default)
    {
        // The first three person sources: proposed (up to the settle mark and after it) and claimed.
        var runs = PersonSources.Take(3).SelectMany(p => OpenStatuses.Select(s => (p, s))).Select((r, k) => $"""
            SELECT id FROM (SELECT number, id FROM ({r.p($"= '{r.s}'", "")}) AS s ORDER BY number DESC LIMIT {MaxMine}) AS m{k}
            """);
        var rows = (await db.ReadAsync(c => c.QueryAsync<Item>(new CommandDefinition($"""
            {ItemStore.Select}
            WHERE i.id IN ({string.Join("\nUNION ALL\n", runs)})
            ORDER BY i.number DESC
            """, new { workspaceId, userId }, cancellationToken: ct)), ct)).Select(View).ToList();
        return (rows.Where(v => v.Item.AuthorId == userId).Take(MaxMine).ToList(),
                rows.Where(v => v.Item.ClaimedBy == userId).Take(MaxMine).ToList());
    }

    private const int MaxMine = 200;

    public ItemView View(Item item) => new(item, Scoring.Score(item, options.Value.Score, clock.GetUtcNow()));
}
