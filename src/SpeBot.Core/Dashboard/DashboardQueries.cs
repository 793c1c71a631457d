using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Capacity;
using SpeBot.Core.Items;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Dashboard;

/// <summary>What the board shows: any of status, category, team, person (author, claimer or finisher) and text.</summary>
public sealed record BoardFilter(string? Status = null, string? Category = null, string? Team = null, string? Person = null,
                                 string? Text = null, int Page = 1)
{
    public int Page { get; init; } = Math.Max(1, Page);
}

public sealed record BoardPage(IReadOnlyList<ItemView> Items, IReadOnlyDictionary<string, long> CountsByStatus, int Page, bool HasMore);

public sealed record ItemVote(string VoterId, string Via, DateTimeOffset CreatedAt);

public sealed record ItemDetail(ItemView View, IReadOnlyList<ItemEvent> History, IReadOnlyList<ItemVote> Votes,
                                IReadOnlyList<(string Platform, string ChannelId, string MessageId)> Cards);

public sealed record WeekCount(DateTimeOffset Week, int Proposed, int Accepted, int Done);
public sealed record CategoryCount(string Category, int Open);
public sealed record TeamWeek(string Team, DateTimeOffset Week, double Pledged, double Delivered);
public sealed record LeadTime(string Category, int Items, double MedianDays, double P90Days);
public sealed record FunnelStage(string Stage, long Items);
public sealed record Recognition(string UserId, int Done, IReadOnlyList<string> Items);

/// <summary>
/// Every read of the dashboard, in one place so each can be benchmarked. Every query is bounded by the workspace
/// (a session never sees another's rows) and reads through an index: pages by (workspace_id, number), weekly
/// counts by (workspace_id, created_at|accepted_at|done_at) (created_at through item_created), open and status counts from item_totals.
/// Weeks are ISO weeks (Monday 00:00) in the workspace's time zone, as capacity counts them.
/// </summary>
public sealed class DashboardQueries(Database db, ItemStore items, ItemQueries queries, WorkspaceStore workspaces,
                                     TimeProvider clock, IOptions<SpeBotOptions> options)
{
    public const int PageSize = 50;
    public const int Weeks = 12;
    public const int CapacityWeeks = 8;
    public const int ExportLimit = 100_000;
    public static readonly IReadOnlyList<string> Statuses = ["proposed", "accepted", "in_progress", "done", "declined"];
    private static readonly string[] OpenStatuses = ["proposed", "accepted", "in_progress"];
    // This store's dialect differences (Storage/Dialect.cs), fixed by the provider once.
    private readonly StorageProvider _sql = db.Provider;

    public async Task<BoardPage> BoardAsync(long workspaceId, BoardFilter filter, CancellationToken ct = default)
    {
        var (where, args) = Where(workspaceId, filter);
        args.Add("take", PageSize + 1);
        args.Add("skip", (filter.Page - 1) * PageSize);
        var rows = (await db.ReadAsync(c => c.QueryAsync<Item>(new CommandDefinition(
            $"{ItemStore.Select} {where} ORDER BY i.number DESC LIMIT @take OFFSET @skip", args, cancellationToken: ct)), ct)).ToList();
        var counts = await StatusCountsAsync(workspaceId, ct);
        return new BoardPage(rows.Take(PageSize).Select(queries.View).ToList(), counts, filter.Page, rows.Count > PageSize);
    }

    /// <summary>Every item the filter shows (no paging), for CSV/JSON export; capped so one request cannot hold the server.</summary>
    public async Task<IReadOnlyList<ItemView>> ExportAsync(long workspaceId, BoardFilter filter, CancellationToken ct = default)
    {
        var (where, args) = Where(workspaceId, filter);
        args.Add("take", ExportLimit);
        var rows = await db.ReadAsync(c => c.QueryAsync<Item>(new CommandDefinition(
            $"{ItemStore.Select} {where} ORDER BY i.number DESC LIMIT @take", args, cancellationToken: ct)), ct);
        return rows.Select(queries.View).ToList();
    }

    private (string Where, DynamicParameters Args) Where(long workspaceId, BoardFilter f)
    {
        // Only the filters given become SQL, so an unfiltered page walks the (workspace_id, number) index backwards.
        var sql = new StringBuilder("WHERE i.workspace_id = @workspaceId");
        var args = new DynamicParameters(new { workspaceId });
        if (!string.IsNullOrWhiteSpace(f.Status))
        {
            if (f.Status == "open") sql.Append(" AND i.status IN ('proposed', 'accepted', 'in_progress')");
            else
            {
                sql.Append(" AND i.status = @status");
                args.Add("status", f.Status);
            }
        }
        if (!string.IsNullOrWhiteSpace(f.Category))
        {
            sql.Append(" AND i.category = @category");
            args.Add("category", f.Category);
        }
        if (!string.IsNullOrWhiteSpace(f.Team))
        {
            sql.Append(" AND lower(i.team) = lower(@team)");
            args.Add("team", f.Team.Trim());
        }
        if (!string.IsNullOrWhiteSpace(f.Person))
        {
            // One lookup per column, each on its own index: an OR of the three made the planner walk the workspace.
            sql.Append("""
                 AND i.id IN (SELECT item_id FROM item_people WHERE workspace_id = @workspaceId AND author_id = @person
                   UNION SELECT id FROM items WHERE id > (SELECT people_item_id FROM settle_mark) AND workspace_id + 0 = @workspaceId AND author_id = @person
                   UNION SELECT id FROM items WHERE workspace_id = @workspaceId AND claimed_by = @person
                   UNION SELECT id FROM items WHERE workspace_id = @workspaceId AND done_by = @person)
                """);
            args.Add("person", f.Person.Trim());
        }
        if (!string.IsNullOrWhiteSpace(f.Text))
        {
            // Substring match, as /spe search: Japanese has no spaces between words, so no tokenizer would find it.
            var k = 0;
            foreach (var word in f.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(8))
            {
                sql.Append(CultureInfo.InvariantCulture, $" AND ({_sql.Position("lower(i.title)", $"@w{k}")} > 0 OR {_sql.Position("lower(COALESCE(i.detail, ''))", $"@w{k}")} > 0)");
                args.Add($"w{k++}", word.ToLowerInvariant());
            }
        }
        return (sql.ToString(), args);
    }

    public async Task<ItemDetail?> ItemAsync(long workspaceId, long number, CancellationToken ct = default)
    {
        var item = await items.GetByNumberAsync(workspaceId, number, ct);
        if (item is null) return null;
        var history = await items.EventsAsync(item.Id, ct);
        var votes = (await db.ReadAsync(c => c.QueryAsync<(string Voter, string Via, string At)>(new CommandDefinition(
            "SELECT voter_id, via, created_at FROM votes WHERE item_id = @id ORDER BY created_at, voter_id",
            new { id = item.Id }, cancellationToken: ct)), ct)).Select(v => new ItemVote(v.Voter, v.Via, Iso.Parse(v.At))).ToList();
        var cards = (await db.ReadAsync(c => c.QueryAsync<(string, string, string)>(new CommandDefinition(
            "SELECT platform, channel_id, message_id FROM posted_messages WHERE item_id = @id AND kind = 'item_card' ORDER BY created_at",
            new { id = item.Id }, cancellationToken: ct)), ct)).ToList();
        return new ItemDetail(queries.View(item), history, votes, cards);
    }

    /// <summary>Proposed, accepted and done per week, oldest week first, for the last <see cref="Weeks"/> weeks.</summary>
    public async Task<IReadOnlyList<WeekCount>> WeeklyFlowAsync(long workspaceId, CancellationToken ct = default)
    {
        var zone = await ZoneAsync(workspaceId, ct);
        var weeks = Enumerable.Range(0, Weeks).Select(k => Capacity.Weeks.Of(clock.GetUtcNow(), zone, k - Weeks + 1)).ToList();
        // One range count per week and series: each reads only that week's entries of an index, however big the workspace
        // (proposed: item_created, migration 0014; accepted: when each item was last accepted, ix_items_ws_accepted). The unary + keeps the planner on the done
        // range: with statistics it preferred walking every done item by status, which made this read slow at 100k items.
        return await db.ReadAsync(async c =>
        {
            var result = new List<WeekCount>();
            foreach (var (start, end) in weeks)
            {
                var args = new { workspaceId, start = Iso.Of(start), end = Iso.Of(end) };
                var proposed = await c.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM item_created WHERE workspace_id = @workspaceId AND created_at >= @start AND created_at < @end", args, cancellationToken: ct));
                var accepted = await c.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM items WHERE workspace_id = @workspaceId AND accepted_at >= @start AND accepted_at < @end", args, cancellationToken: ct));
                var done = await c.ExecuteScalarAsync<int>(new CommandDefinition(
                    $"SELECT COUNT(*) FROM items WHERE workspace_id = @workspaceId AND done_at >= @start AND done_at < @end AND {_sql.NoIndex("status")} = 'done'", args, cancellationToken: ct));
                result.Add(new WeekCount(start, proposed, accepted, done));
            }
            return result;
        }, ct);
    }

    public async Task<IReadOnlyList<CategoryCount>> OpenByCategoryAsync(long workspaceId, CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<(string Category, long Open)>(new CommandDefinition($"""
            SELECT category, SUM(n) FROM item_totals
            WHERE workspace_id = @workspaceId AND status {_sql.In("open")} GROUP BY category HAVING SUM(n) > 0 ORDER BY SUM(n) DESC, category
            """, new { workspaceId, open = OpenStatuses }, cancellationToken: ct)), ct)).Select(r => new CategoryCount(r.Category, (int)r.Open)).ToList();

    /// <summary>
    /// Pledged against delivered per team per week for the last <see cref="CapacityWeeks"/> weeks, counted as
    /// <c>/spe capacity</c> counts them (<see cref="CapacityStore.WeekAsync"/>): the latest pledge made before the week ends;
    /// hours logged in the week, plus effort × EffortHours for items done in the week without any hours logged.
    /// Three range reads for all weeks: logs by logged_at and done items by (workspace_id, done_at) within the charted
    /// weeks, each summed per team and week in SQL (the week from a CASE over its bounds), so a few dozen rows come back
    /// instead of every done item.
    /// </summary>
    public async Task<IReadOnlyList<TeamWeek>> CapacityAsync(long workspaceId, CancellationToken ct = default)
    {
        var zone = await ZoneAsync(workspaceId, ct);
        var weeks = Enumerable.Range(0, CapacityWeeks).Select(k => Capacity.Weeks.Of(clock.GetUtcNow(), zone, k - CapacityWeeks + 1)).ToList();
        var args = new DynamicParameters(new { workspaceId, from = Iso.Of(weeks[0].Start), to = Iso.Of(weeks[^1].End), effortHours = options.Value.EffortHours });
        for (var k = 0; k < weeks.Count; k++) args.Add($"e{k}", Iso.Of(weeks[k].End));
        string WeekOf(string column) => "CASE " + string.Concat(Enumerable.Range(0, weeks.Count - 1).Select(k =>
            string.Create(CultureInfo.InvariantCulture, $"WHEN {column} < @e{k} THEN {k} "))) + $"ELSE {weeks.Count - 1} END";
        var (pledges, done, logs) = await db.ReadAsync(async c =>
        {
            var p = (await c.QueryAsync<(string Team, double Hours, string ValidFrom)>(new CommandDefinition(
                "SELECT team, hours_per_week, valid_from FROM capacity_pledges WHERE workspace_id = @workspaceId AND valid_from < @to ORDER BY valid_from, id",
                args, cancellationToken: ct))).ToList();
            var d = (await c.QueryAsync<(string Team, long Week, double Hours)>(new CommandDefinition($"""
                SELECT COALESCE(i.team, ''), {WeekOf("i.done_at")},
                       SUM(CASE WHEN i.status = 'done' AND NOT EXISTS (SELECT 1 FROM work_logs w WHERE w.item_id = i.id)
                                THEN COALESCE(i.effort, 3) * @effortHours ELSE 0.0 END)
                FROM items i WHERE i.workspace_id = @workspaceId AND i.done_at >= @from AND i.done_at < @to
                GROUP BY 1, 2
                """, args, cancellationToken: ct))).ToList();
            var l = (await c.QueryAsync<(string Team, long Week, double Hours)>(new CommandDefinition($"""
                SELECT COALESCE(i.team, ''), {WeekOf("w.logged_at")}, SUM(w.hours) FROM work_logs w CROSS JOIN items i
                WHERE i.id = w.item_id AND w.logged_at >= @from AND w.logged_at < @to AND i.workspace_id = @workspaceId
                GROUP BY 1, 2
                """, args, cancellationToken: ct))).ToList();
            return (p, d, l);
        }, ct);
        var result = new List<TeamWeek>();
        for (var k = 0; k < weeks.Count; k++)
        {
            var (start, end) = weeks[k];
            var e = Iso.Of(end);
            var pledged = pledges.Where(x => string.CompareOrdinal(x.ValidFrom, e) < 0).GroupBy(x => x.Team).ToDictionary(g => g.Key, g => g.Last().Hours);
            var doneIn = done.Where(x => x.Week == k).ToList();
            var logsIn = logs.Where(x => x.Week == k).ToList();
            var teams = pledged.Keys.Concat(doneIn.Select(x => x.Team)).Concat(logsIn.Select(x => x.Team)).Distinct().Order(StringComparer.Ordinal);
            foreach (var team in teams)
            {
                var delivered = logsIn.Where(x => x.Team == team).Sum(x => x.Hours) + doneIn.Where(x => x.Team == team).Sum(x => x.Hours);
                result.Add(new TeamWeek(team, start, pledged.GetValueOrDefault(team), delivered));
            }
        }
        return result;
    }

    /// <summary>
    /// Days from proposal to done, median and 90th percentile (nearest rank) per category. Each done item's lead time is
    /// a column of the index ix_items_ws_lead (0007) in order within its category, so each percentile is one short walk
    /// of that index (LIMIT 1 OFFSET rank): no done item is read, parsed or sorted here.
    /// </summary>
    public async Task<IReadOnlyList<LeadTime>> LeadTimesAsync(long workspaceId, CancellationToken ct = default) =>
        await db.ReadAsync(async c =>
        {
            // Same predicate as the index's, so the planner can use it.
            const string Done = "workspace_id = @workspaceId AND done_at IS NOT NULL AND status = 'done'";
            var counts = (await c.QueryAsync<(string Category, long Items)>(new CommandDefinition(
                $"SELECT category, COUNT(*) FROM items WHERE {Done} GROUP BY category ORDER BY category", new { workspaceId }, cancellationToken: ct))).ToList();
            var result = new List<LeadTime>();
            foreach (var (category, n) in counts.OrderBy(x => x.Category, StringComparer.Ordinal))
            {
                async Task<double> RankAsync(double q)
                {
                    var rank = Math.Clamp((int)Math.Ceiling(q * n) - 1, 0, (int)n - 1);
                    var ms = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                        $"SELECT lead_ms FROM items WHERE {Done} AND category = @category ORDER BY lead_ms LIMIT 1 OFFSET @rank",
                        new { workspaceId, category, rank }, cancellationToken: ct));
                    return ms * TimeSpan.TicksPerMillisecond / (double)TimeSpan.TicksPerDay;
                }
                result.Add(new LeadTime(category, (int)n, Math.Round(await RankAsync(0.5), 1), Math.Round(await RankAsync(0.9), 1)));
            }
            return result;
        }, ct);

    /// <summary>How far items got: every item was proposed; accepted, claimed and done count items at or past that stage.</summary>
    public async Task<IReadOnlyList<FunnelStage>> FunnelAsync(long workspaceId, CancellationToken ct = default)
    {
        var counts = await StatusCountsAsync(workspaceId, ct);
        long Of(params string[] s) => s.Sum(x => counts.GetValueOrDefault(x));
        return
        [
            new("proposed", counts.Values.Sum()),
            new("accepted", Of("accepted", "in_progress", "done")),
            new("claimed", Of("in_progress", "done")),
            new("done", Of("done")),
        ];
    }

    /// <summary>Who finished what since the start of this calendar quarter (UTC), most first; each with their latest items.</summary>
    public async Task<IReadOnlyList<Recognition>> RecognitionAsync(long workspaceId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var quarter = new DateTimeOffset(now.Year, (now.Month - 1) / 3 * 3 + 1, 1, 0, 0, 0, TimeSpan.Zero);
        var args = new { workspaceId, from = Iso.Of(quarter) };
        var (counts, latest) = await db.ReadAsync(async c =>
        {
            // Counts from the covering done index; titles only for the latest few hundred, which is what the page lists.
            // +done_by: otherwise the planner walks every finisher of ix_items_done_by (the board's person filter) and
            // reads each row, 70 ms at 100k items instead of the quarter's range of the done index.
            var n = (await c.QueryAsync<(string DoneBy, long Done)>(new CommandDefinition($"""
                SELECT done_by, COUNT(*) FROM items WHERE workspace_id = @workspaceId AND done_at >= @from AND {_sql.NoIndex("status")} = 'done' AND {_sql.NoIndex("done_by")} IS NOT NULL
                GROUP BY done_by ORDER BY COUNT(*) DESC, done_by LIMIT 20
                """, args, cancellationToken: ct))).ToList();
            var l = (await c.QueryAsync<(string DoneBy, long Number, string Title)>(new CommandDefinition("""
                SELECT done_by, number, title FROM items WHERE workspace_id = @workspaceId AND done_at >= @from AND status = 'done' AND done_by IS NOT NULL
                ORDER BY done_at DESC LIMIT 500
                """, args, cancellationToken: ct))).ToList();
            return (n, l);
        }, ct);
        return counts.Select(x => new Recognition(x.DoneBy, (int)x.Done,
            latest.Where(r => r.DoneBy == x.DoneBy).Take(10).Select(r => $"{ItemRef.Format(r.Number)} {r.Title}").ToList())).ToList();
    }

    /// <summary>Items per status from item_totals (item_counts and the items after the settle mark, 0012): a few rows however big the workspace.</summary>
    private async Task<Dictionary<string, long>> StatusCountsAsync(long workspaceId, CancellationToken ct) =>
        (await db.ReadAsync(c => c.QueryAsync<(string Status, long Count)>(new CommandDefinition(
            "SELECT status, SUM(n) FROM item_totals WHERE workspace_id = @workspaceId GROUP BY status HAVING SUM(n) > 0", new { workspaceId }, cancellationToken: ct)), ct))
            .ToDictionary(r => r.Status, r => r.Count);

    private async Task<TimeZoneInfo> ZoneAsync(long workspaceId, CancellationToken ct) =>
        Capacity.Weeks.Zone((await workspaces.GetAsync(workspaceId, ct))?.TimeZone, options.Value.DefaultTimeZone);
}
