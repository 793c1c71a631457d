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
/// counts by (workspace_id, created_at|done_at) and the milestone-event index, open counts by (workspace_id, status, category).
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

    public async Task<BoardPage> BoardAsync(long workspaceId, BoardFilter filter, CancellationToken ct = default)
    {
        var (where, args) = Where(workspaceId, filter);
        args.Add("take", PageSize + 1);
        args.Add("skip", (filter.Page - 1) * PageSize);
        var rows = (await db.ReadAsync(c => c.QueryAsync<Item>(new CommandDefinition(
            $"{ItemStore.Select} {where} ORDER BY i.number DESC LIMIT @take OFFSET @skip", args, cancellationToken: ct)), ct)).ToList();
        var counts = (await db.ReadAsync(c => c.QueryAsync<(string Status, long Count)>(new CommandDefinition(
            "SELECT status, COUNT(*) FROM items WHERE workspace_id = @workspaceId GROUP BY status", new { workspaceId }, cancellationToken: ct)), ct))
            .ToDictionary(r => r.Status, r => r.Count);
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

    private static (string Where, DynamicParameters Args) Where(long workspaceId, BoardFilter f)
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
            sql.Append(" AND (i.author_id = @person OR i.claimed_by = @person OR i.done_by = @person)");
            args.Add("person", f.Person.Trim());
        }
        if (!string.IsNullOrWhiteSpace(f.Text))
        {
            // Substring match, as /spe search: Japanese has no spaces between words, so no tokenizer would find it.
            var k = 0;
            foreach (var word in f.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(8))
            {
                sql.Append(CultureInfo.InvariantCulture, $" AND (instr(lower(i.title), @w{k}) > 0 OR instr(lower(COALESCE(i.detail, '')), @w{k}) > 0)");
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
        // One range count per week and series: each reads only that week's entries of an index, however big the workspace.
        // The unary + keeps the planner on those ranges: with statistics it preferred walking every item of the workspace
        // (or every done item by status) and looking up its rows or events, which is what made these reads slow at 100k items.
        return await db.ReadAsync(async c =>
        {
            var result = new List<WeekCount>();
            foreach (var (start, end) in weeks)
            {
                var args = new { workspaceId, start = Iso.Of(start), end = Iso.Of(end) };
                var proposed = await c.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM items WHERE workspace_id = @workspaceId AND created_at >= @start AND created_at < @end", args, cancellationToken: ct));
                var accepted = await c.ExecuteScalarAsync<int>(new CommandDefinition("""
                    SELECT COUNT(*) FROM item_events e JOIN items i ON i.id = e.item_id
                    WHERE e.action IN ('accepted', 'claimed', 'assigned', 'done') AND e.action = 'accepted'
                      AND e.created_at >= @start AND e.created_at < @end AND +i.workspace_id = @workspaceId
                    """, args, cancellationToken: ct));
                var done = await c.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM items WHERE workspace_id = @workspaceId AND done_at >= @start AND done_at < @end AND +status = 'done'", args, cancellationToken: ct));
                result.Add(new WeekCount(start, proposed, accepted, done));
            }
            return result;
        }, ct);
    }

    public async Task<IReadOnlyList<CategoryCount>> OpenByCategoryAsync(long workspaceId, CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<(string Category, long Open)>(new CommandDefinition("""
            SELECT category, COUNT(*) FROM items
            WHERE workspace_id = @workspaceId AND status IN @open GROUP BY category ORDER BY COUNT(*) DESC, category
            """, new { workspaceId, open = OpenStatuses }, cancellationToken: ct)), ct)).Select(r => new CategoryCount(r.Category, (int)r.Open)).ToList();

    /// <summary>
    /// Pledged against delivered per team per week for the last <see cref="CapacityWeeks"/> weeks, counted as
    /// <c>/spe capacity</c> counts them (<see cref="CapacityStore.WeekAsync"/>): the latest pledge made before the week ends;
    /// hours logged in the week, plus effort × EffortHours for items done in the week without any hours logged.
    /// Three range reads for all weeks instead of one capacity query per week.
    /// </summary>
    public async Task<IReadOnlyList<TeamWeek>> CapacityAsync(long workspaceId, CancellationToken ct = default)
    {
        var zone = await ZoneAsync(workspaceId, ct);
        var weeks = Enumerable.Range(0, CapacityWeeks).Select(k => Capacity.Weeks.Of(clock.GetUtcNow(), zone, k - CapacityWeeks + 1)).ToList();
        var args = new { workspaceId, from = Iso.Of(weeks[0].Start), to = Iso.Of(weeks[^1].End) };
        var (pledges, done, logs) = await db.ReadAsync(async c =>
        {
            var p = (await c.QueryAsync<(string Team, double Hours, string ValidFrom)>(new CommandDefinition(
                "SELECT team, hours_per_week, valid_from FROM capacity_pledges WHERE workspace_id = @workspaceId AND valid_from < @to ORDER BY valid_from, id",
                args, cancellationToken: ct))).ToList();
            var d = (await c.QueryAsync<(string Team, string DoneAt, string Status, long Effort, long Logged)>(new CommandDefinition("""
                SELECT COALESCE(i.team, ''), i.done_at, i.status, COALESCE(i.effort, 3), EXISTS (SELECT 1 FROM work_logs w WHERE w.item_id = i.id)
                FROM items i WHERE i.workspace_id = @workspaceId AND i.done_at >= @from AND i.done_at < @to
                """, args, cancellationToken: ct))).ToList();
            var l = (await c.QueryAsync<(string Team, string LoggedAt, double Hours)>(new CommandDefinition("""
                SELECT COALESCE(i.team, ''), w.logged_at, w.hours FROM work_logs w JOIN items i ON i.id = w.item_id
                WHERE w.logged_at >= @from AND w.logged_at < @to AND i.workspace_id = @workspaceId
                """, args, cancellationToken: ct))).ToList();
            return (p, d, l);
        }, ct);
        var effortHours = options.Value.EffortHours;
        var result = new List<TeamWeek>();
        foreach (var (start, end) in weeks)
        {
            var (s, e) = (Iso.Of(start), Iso.Of(end));
            bool In(string t) => string.CompareOrdinal(t, s) >= 0 && string.CompareOrdinal(t, e) < 0;
            var pledged = pledges.Where(x => string.CompareOrdinal(x.ValidFrom, e) < 0).GroupBy(x => x.Team).ToDictionary(g => g.Key, g => g.Last().Hours);
            var doneIn = done.Where(x => In(x.DoneAt)).ToList();
            var logsIn = logs.Where(x => In(x.LoggedAt)).ToList();
            var teams = pledged.Keys.Concat(doneIn.Select(x => x.Team)).Concat(logsIn.Select(x => x.Team)).Distinct().Order(StringComparer.Ordinal);
            foreach (var team in teams)
            {
                var delivered = logsIn.Where(x => x.Team == team).Sum(x => x.Hours)
                    + doneIn.Where(x => x.Team == team && x.Status == "done" && x.Logged == 0).Sum(x => x.Effort * effortHours);
                result.Add(new TeamWeek(team, start, pledged.GetValueOrDefault(team), delivered));
            }
        }
        return result;
    }

    /// <summary>Days from proposal to done, median and 90th percentile (nearest rank) per category.</summary>
    public async Task<IReadOnlyList<LeadTime>> LeadTimesAsync(long workspaceId, CancellationToken ct = default)
    {
        // done_at IS NOT NULL lets the covering done index serve the whole read.
        var rows = await db.ReadAsync(c => c.QueryAsync<(string Category, string Created, string Done)>(new CommandDefinition(
            "SELECT category, created_at, done_at FROM items WHERE workspace_id = @workspaceId AND done_at IS NOT NULL AND +status = 'done'",
            new { workspaceId }, cancellationToken: ct)), ct);
        return rows.GroupBy(r => r.Category).Select(g =>
        {
            var days = g.Select(r => (FastTicks(r.Done) - FastTicks(r.Created)) / (double)TimeSpan.TicksPerDay).Order().ToList();
            return new LeadTime(g.Key, days.Count, Math.Round(Rank(days, 0.5), 1), Math.Round(Rank(days, 0.9), 1));
        }).OrderBy(l => l.Category, StringComparer.Ordinal).ToList();

        static double Rank(List<double> sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>
    /// Ticks of a stored time (yyyy-MM-ddTHH:mm:ss.fffZ, see <see cref="Iso"/>) without a general parser: lead times read
    /// every done item, and a general parse of two times each was most of that read's cost. Other shapes take the slow path.
    /// </summary>
    internal static long FastTicks(string t)
    {
        if (t.Length != 24 || t[4] != '-' || t[10] != 'T' || t[23] != 'Z') return Iso.Parse(t).UtcTicks;
        int D(int i, int n)
        {
            var v = 0;
            for (var k = i; k < i + n; k++) v = v * 10 + (t[k] - '0');
            return v;
        }
        return new DateTime(D(0, 4), D(5, 2), D(8, 2), D(11, 2), D(14, 2), D(17, 2), D(20, 3), DateTimeKind.Utc).Ticks;
    }

    /// <summary>How far items got: every item was proposed; accepted, claimed and done count items at or past that stage.</summary>
    public async Task<IReadOnlyList<FunnelStage>> FunnelAsync(long workspaceId, CancellationToken ct = default)
    {
        var counts = (await db.ReadAsync(c => c.QueryAsync<(string Status, long Count)>(new CommandDefinition(
            "SELECT status, COUNT(*) FROM items WHERE workspace_id = @workspaceId GROUP BY status", new { workspaceId }, cancellationToken: ct)), ct))
            .ToDictionary(r => r.Status, r => r.Count);
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
            var n = (await c.QueryAsync<(string DoneBy, long Done)>(new CommandDefinition("""
                SELECT done_by, COUNT(*) FROM items WHERE workspace_id = @workspaceId AND done_at >= @from AND +status = 'done' AND done_by IS NOT NULL
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

    private async Task<TimeZoneInfo> ZoneAsync(long workspaceId, CancellationToken ct) =>
        Capacity.Weeks.Zone((await workspaces.GetAsync(workspaceId, ct))?.TimeZone, options.Value.DefaultTimeZone);
}
