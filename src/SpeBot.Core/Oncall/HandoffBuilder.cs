using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Items;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Oncall;

/// <summary>
/// What a handoff summary shows; built at send time from the handoff's fixed shift window. The item lists hold their
/// first <see cref="DigestBuilder.MaxListed"/>; the *Count properties are the totals.
/// </summary>
public sealed record HandoffModel(
    Handoff Handoff, IReadOnlyList<ShiftNote> Notes, IReadOnlyList<ShiftNote> Toil, IReadOnlyList<ShiftNote> Questions,
    IReadOnlyList<ItemView> Touched, IReadOnlyList<ItemView> DueOrStale, int TouchedCount, int DueCount)
{
    public bool Quiet => Notes.Count == 0;
}

/// <summary>
/// Builds a handoff from indexes only: what was touched comes from the shift's own rows (new items through
/// item_created, other work through ix_item_events_work, migration 0017), what is due from the digest's stale-claim and
/// stuck reads, so neither walks the backlog.
/// </summary>
public sealed class HandoffBuilder(Database db, ShiftStore shifts, ItemQueries queries, TimeProvider clock, IOptions<ScheduleOptions> options)
{
    // Items with work in the window: created in it, or any event but a vote (ordering, not work) in it. The ids come
    // first and the workspace is checked on their rows ("+ 0"), so the planner cannot walk the workspace's items instead.
    private const string TouchedIds = """
        SELECT item_id FROM item_created WHERE workspace_id = @workspaceId AND created_at >= @from AND created_at <= @to
        UNION ALL
        SELECT item_id FROM item_events WHERE created_at >= @from AND created_at <= @to AND action <> 'proposed' AND action <> 'voted' AND action <> 'unvoted'
        """;

    internal const string TouchedSql = $"{ItemStore.Select} WHERE i.id IN ({TouchedIds}) AND i.workspace_id + 0 = @workspaceId ORDER BY i.number LIMIT @limit";

    // Due = stuck (open, untouched since the cutoff: every open item minus those touched since) plus the stale claims
    // that are not also stuck, so no item counts twice.
    internal const string CountsSql = $"""
        SELECT (SELECT COUNT(*) FROM items i WHERE i.id IN ({TouchedIds}) AND i.workspace_id + 0 = @workspaceId),
               (SELECT COALESCE(SUM(n), 0) FROM item_totals WHERE workspace_id = @workspaceId AND status IN {DigestBuilder.OpenIn})
             - (SELECT COUNT(*) FROM item_open_touched WHERE workspace_id = @workspaceId AND updated_at >= @stuckBefore)
             + (SELECT COUNT(*) FROM items WHERE workspace_id = @workspaceId AND status = 'in_progress' AND claimed_by IS NOT NULL
                  AND {DigestBuilder.StaleTerm} AND updated_at >= @stuckBefore)
        """;

    public async Task<HandoffModel?> BuildAsync(long handoffId, CancellationToken ct = default)
    {
        var h = await db.ReadAsync(c => HandoffStore.GetAsync(c, null, handoffId, ct), ct);
        if (h is null) return null;
        var notes = await shifts.NotesAsync(h.WorkspaceId, h.ShiftFrom, h.ShiftTo, ct);
        // Items have no due date: "due" here means a claim past its update window or an open item untouched too long.
        var now = clock.GetUtcNow();
        var args = new
        {
            workspaceId = h.WorkspaceId, from = Iso.Of(h.ShiftFrom), to = Iso.Of(h.ShiftTo), limit = DigestBuilder.MaxListed,
            staleBefore = Iso.Of(now.AddDays(-options.Value.StaleClaimDays)), stuckBefore = Iso.Of(now.AddDays(-options.Value.StuckDays)),
        };
        var (counts, touched, due) = await db.ReadAsync(async c =>
        {
            async Task<List<Item>> Items(string sql) => (await c.QueryAsync<Item>(new CommandDefinition(sql, args, cancellationToken: ct))).ToList();
            var counts = await c.QuerySingleAsync<(long Touched, long Due)>(new CommandDefinition(CountsSql, args, cancellationToken: ct));
            var touched = await Items(TouchedSql);
            // Claims gone stale first (someone holds them), then the longest untouched.
            var due = (await Items(DigestBuilder.StaleSql)).Concat(await Items(DigestBuilder.StuckSql)).DistinctBy(i => i.Id).Take(DigestBuilder.MaxListed);
            return (counts, touched, due.ToList());
        }, ct);
        return new HandoffModel(h, notes, notes.Where(n => n.IsToil).ToList(), notes.Where(n => n.IsQuestion).ToList(),
            touched.Select(queries.View).ToList(), due.Select(queries.View).ToList(), (int)counts.Touched, (int)counts.Due);
    }
}

/// <summary>A scheduled handoff: the rotation turns at each fire of the schedule.</summary>
public sealed class HandoffPost(Handoffs handoffs) : IScheduledPost
{
    public string Kind => ScheduleKinds.Handoff;

    public async Task EnqueueAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, Schedule schedule, Period period,
                                   CancellationToken ct) =>
        await handoffs.StartAsync(c, tx, PlatformNames.Parse(schedule.Platform), schedule.WorkspaceId, schedule.ChannelId,
            $"schedule:{schedule.Id}:{Iso.Of(period.At)}", null, "rotation", period.From, ct);

    public Task AfterCommitAsync(Schedule schedule, Period period, CancellationToken ct) => handoffs.ArmTimersAsync(ct);
}
