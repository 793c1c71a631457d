using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Capacity;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Schedules;

/// <summary>
/// What a channel digest shows for one window; built at send time so it always shows the latest state.
/// The lists hold their first <see cref="DigestBuilder.MaxListed"/> items; the *Count properties are the totals.
/// </summary>
public sealed record DigestModel(
    DateTimeOffset From, DateTimeOffset To, int Open, IReadOnlyList<ItemView> Top, IReadOnlyList<ItemView> New, IReadOnlyList<ItemView> Done,
    IReadOnlyList<ItemView> Triage, IReadOnlyList<ItemView> StaleClaims, IReadOnlyList<CapacityLine> Capacity, IReadOnlyList<ItemView> Stuck,
    int StuckDays, int? TriageTotal = null, int? StuckTotal = null, int? NewTotal = null, int? DoneTotal = null, int? StaleTotal = null)
{
    public int NewCount => NewTotal ?? New.Count;
    public int DoneCount => DoneTotal ?? Done.Count;
    public int TriageCount => TriageTotal ?? Triage.Count;
    public int StaleCount => StaleTotal ?? StaleClaims.Count;
    public int StuckCount => StuckTotal ?? Stuck.Count;
}

/// <summary>
/// Builds a digest from indexes only: the counts come from item_totals, the top from the score index, new and done
/// items from the window's own rows (new ones and "stuck" through item_created and item_open_touched, migration 0014), and the long lists (waiting for triage, stuck) are read only as far as they are shown.
/// </summary>
public sealed class DigestBuilder(Database db, ItemQueries queries, CapacityStore capacity, TimeProvider clock, IOptions<ScheduleOptions> options)
{
    /// <summary>Items listed per long section; more than any renderer shows (Slack 10 lines, Teams 10 at most).</summary>
    public const int MaxListed = 20;

    internal const string OpenIn = "('proposed', 'accepted', 'in_progress')";

    // A claim is stale when its last progress (or the claim itself) is older than the cutoff: COALESCE(progress_at,
    // claimed_at) spelled out, so the count is answered from ix_items_progress (in-progress items only) alone.
    internal const string StaleTerm = "(progress_at < @staleBefore OR (progress_at IS NULL AND claimed_at < @staleBefore))";

    // Claims without progress since the cutoff, by number, read only as far as the list.
    internal const string StaleSql = $"""
        {ItemStore.Select} WHERE i.workspace_id = @workspaceId AND i.status = 'in_progress' AND i.claimed_by IS NOT NULL
          AND {StaleTerm}
        ORDER BY i.number LIMIT @limit
        """;

    // The window's new items: the ids come from item_created (migration 0014); no filter on i itself, which would let the
    // planner walk the workspace's items by number looking for them.
    internal const string CreatedSql = $"""
        {ItemStore.Select} WHERE i.id IN (SELECT item_id FROM item_created WHERE workspace_id = @workspaceId AND created_at >= @from AND created_at < @to)
        ORDER BY i.number LIMIT @limit
        """;

    // Longest untouched first (ties by id), read only as far as the list: the settled open items by their last change
    // (settled_open, migration 0014) with the limit inside, so a sort cannot take in every stuck item, and the few items
    // after the settle mark beside them. By number, the in-progress items (all touched recently) had to be walked to find none.
    internal const string StuckSql = $"""
        {ItemStore.Select} WHERE i.id IN (
          SELECT item_id FROM (SELECT item_id FROM settled_open WHERE workspace_id = @workspaceId AND updated_at < @stuckBefore
                               ORDER BY updated_at, item_id LIMIT @limit) AS oldest
          UNION ALL
          SELECT id FROM items WHERE id > (SELECT last_item_id FROM settle_mark)
            AND workspace_id + 0 = @workspaceId AND status || '' IN {OpenIn} AND updated_at < @stuckBefore)
        ORDER BY i.updated_at, i.id LIMIT @limit
        """;

    public async Task<DigestModel> BuildAsync(long workspaceId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var staleBefore = Iso.Of(now.AddDays(-o.StaleClaimDays));
        var stuckBefore = Iso.Of(now.AddDays(-o.StuckDays));
        var args = new { workspaceId, from = Iso.Of(from), to = Iso.Of(to), staleBefore, stuckBefore, limit = MaxListed };
        var (counts, created, done, triage, stale, stuck) = await db.ReadAsync(async c =>
        {
            async Task<List<ItemView>> Items(string sql) =>
                (await c.QueryAsync<Item>(new CommandDefinition(sql, args, cancellationToken: ct))).Select(queries.View).ToList();
            // Open and waiting for triage from item_totals; "stuck" is every open item minus those touched since the
            // cutoff; the window's new, done and stale counts are index ranges (a week's activity, not the backlog).
            var counts = await c.QuerySingleAsync<(long Open, long Proposed, long Recent, long New, long Done, long Stale)>(new CommandDefinition($"""
                SELECT (SELECT COALESCE(SUM(n), 0) FROM item_totals WHERE workspace_id = @workspaceId AND status IN {OpenIn}),
                       (SELECT COALESCE(SUM(n), 0) FROM item_totals WHERE workspace_id = @workspaceId AND status = 'proposed'),
                       (SELECT COUNT(*) FROM item_open_touched WHERE workspace_id = @workspaceId AND updated_at >= @stuckBefore),
                       (SELECT COUNT(*) FROM item_created WHERE workspace_id = @workspaceId AND created_at >= @from AND created_at < @to),
                       (SELECT COUNT(*) FROM items WHERE workspace_id = @workspaceId AND done_at >= @from AND done_at < @to AND status = 'done'),
                       (SELECT COUNT(*) FROM items WHERE workspace_id = @workspaceId AND status = 'in_progress' AND claimed_by IS NOT NULL
                          AND {StaleTerm})
                """, args, cancellationToken: ct));
            var created = await Items(CreatedSql);
            // done_at picks the window's rows (only done items have it); the status is checked on those rows.
            var done = await Items($"{ItemStore.Select} WHERE i.workspace_id = @workspaceId AND i.done_at >= @from AND i.done_at < @to AND i.status = 'done' ORDER BY i.number LIMIT @limit");
            var triage = await Items($"{ItemStore.Select} WHERE i.workspace_id = @workspaceId AND i.status = 'proposed' ORDER BY i.number LIMIT @limit");
            var stale = await Items(StaleSql);
            var stuck = await Items(StuckSql);
            return (counts, created, done, triage, stale, stuck);
        }, ct);
        return new DigestModel(from, to, (int)counts.Open,
            Top: await queries.TopAsync(workspaceId, o.TopItems, ct),
            New: created,
            Done: done,
            Triage: triage,
            StaleClaims: stale,
            Capacity: await capacity.WeekAsync(workspaceId, from, to, null, ct),
            Stuck: stuck,
            StuckDays: o.StuckDays,
            TriageTotal: (int)counts.Proposed,
            StuckTotal: (int)(counts.Open - counts.Recent),
            NewTotal: (int)counts.New,
            DoneTotal: (int)counts.Done,
            StaleTotal: (int)counts.Stale);
    }
}

/// <summary>
/// The digest post: one coalescing outbox row per schedule and period, so running it again in the same period
/// edits the posted message instead of posting another.
/// </summary>
public sealed class DigestPost(OutboxStore outbox, TimeProvider clock) : IScheduledPost
{
    public string Kind => ScheduleKinds.Digest;

    public Task EnqueueAsync(DbConnection c, DbTransaction tx, Schedule schedule, Period period, CancellationToken ct) =>
        EnqueueAsync(c, tx, PlatformNames.Parse(schedule.Platform), schedule.WorkspaceId, schedule.ChannelId, $"{schedule.Id}:{Iso.Of(period.At)}", period.From, ct);

    public Task EnqueueAsync(DbConnection c, DbTransaction tx, Platform platform, long workspaceId, string channelId, string periodKey,
                             DateTimeOffset from, CancellationToken ct) =>
        outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, workspaceId, channelId, OutboxKinds.Digest, new OutboundBody
        {
            Key = periodKey,
            Args = new() { ["from"] = Iso.Of(from), ["to"] = Iso.Of(clock.GetUtcNow()) },
        }, $"digest:{periodKey}", Coalesce: true), ct);
}
