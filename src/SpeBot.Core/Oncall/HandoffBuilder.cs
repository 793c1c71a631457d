using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Items;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Oncall;

/// <summary>What a handoff summary shows; built at send time from the handoff's fixed shift window.</summary>
public sealed record HandoffModel(
    Handoff Handoff, IReadOnlyList<ShiftNote> Notes, IReadOnlyList<ShiftNote> Toil, IReadOnlyList<ShiftNote> Questions,
    IReadOnlyList<ItemView> Touched, IReadOnlyList<ItemView> DueOrStale)
{
    public bool Quiet => Notes.Count == 0;
}

public sealed class HandoffBuilder(Database db, ShiftStore shifts, ItemQueries queries, TimeProvider clock, IOptions<ScheduleOptions> options)
{
    public async Task<HandoffModel?> BuildAsync(long handoffId, CancellationToken ct = default)
    {
        var h = await db.ReadAsync(c => HandoffStore.GetAsync(c, null, handoffId, ct), ct);
        if (h is null) return null;
        var notes = await shifts.NotesAsync(h.WorkspaceId, h.ShiftFrom, h.ShiftTo, ct);
        var touched = (await db.ReadAsync(c => c.QueryAsync<Item>(new CommandDefinition($"""
            {ItemStore.Select}
            WHERE i.workspace_id = @WorkspaceId
              AND EXISTS (SELECT 1 FROM item_events e WHERE e.item_id = i.id AND e.created_at >= @from AND e.created_at <= @to)
            ORDER BY i.number
            """, new { h.WorkspaceId, from = Iso.Of(h.ShiftFrom), to = Iso.Of(h.ShiftTo) }, cancellationToken: ct)), ct)).Select(queries.View).ToList();
        // Items have no due date: "due" here means a claim past its update window or an open item untouched too long.
        var now = clock.GetUtcNow();
        var staleBefore = Iso.Of(now.AddDays(-options.Value.StaleClaimDays));
        var stuckBefore = Iso.Of(now.AddDays(-options.Value.StuckDays));
        var due = (await db.ReadAsync(c => c.QueryAsync<Item>(new CommandDefinition($"""
            {ItemStore.Select}
            WHERE i.workspace_id = @WorkspaceId AND i.status IN ('proposed', 'accepted', 'in_progress')
              AND ((i.status = 'in_progress' AND COALESCE(i.progress_at, i.claimed_at) < @staleBefore) OR i.updated_at < @stuckBefore)
            ORDER BY i.number
            """, new { h.WorkspaceId, staleBefore, stuckBefore }, cancellationToken: ct)), ct)).Select(queries.View).ToList();
        return new HandoffModel(h, notes, notes.Where(n => n.IsToil).ToList(), notes.Where(n => n.IsQuestion).ToList(), touched, due);
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
