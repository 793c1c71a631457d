using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Capacity;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Schedules;

/// <summary>What a channel digest shows for one window; built at send time so it always shows the latest state.</summary>
public sealed record DigestModel(
    DateTimeOffset From, DateTimeOffset To, int Open, IReadOnlyList<ItemView> Top, IReadOnlyList<ItemView> New, IReadOnlyList<ItemView> Done,
    IReadOnlyList<ItemView> Triage, IReadOnlyList<ItemView> StaleClaims, IReadOnlyList<CapacityLine> Capacity, IReadOnlyList<ItemView> Stuck,
    int StuckDays);

public sealed class DigestBuilder(Database db, ItemQueries queries, CapacityStore capacity, TimeProvider clock, IOptions<ScheduleOptions> options)
{
    public async Task<DigestModel> BuildAsync(long workspaceId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var rows = (await db.ReadAsync(c => c.QueryAsync<Item>(new CommandDefinition($"""
            {ItemStore.Select}
            WHERE i.workspace_id = @workspaceId
              AND (i.status IN ('proposed', 'accepted', 'in_progress') OR i.created_at >= @from OR i.done_at >= @from)
            ORDER BY i.number
            """, new { workspaceId, from = Iso.Of(from) }, cancellationToken: ct)), ct)).Select(queries.View).ToList();
        var open = rows.Where(v => ItemLifecycle.IsOpen(v.Item.State)).ToList();
        bool In(DateTimeOffset? t) => t >= from && t < to;
        var staleBefore = now.AddDays(-o.StaleClaimDays);
        var stuckBefore = now.AddDays(-o.StuckDays);
        return new DigestModel(from, to, open.Count,
            Top: open.OrderByDescending(v => v.Score).ThenBy(v => v.Item.Number).Take(o.TopItems).ToList(),
            New: rows.Where(v => In(v.Item.CreatedAt)).ToList(),
            Done: rows.Where(v => v.Item.State == ItemStatus.Done && In(v.Item.DoneAt)).ToList(),
            Triage: open.Where(v => v.Item.State == ItemStatus.Proposed).ToList(),
            StaleClaims: open.Where(v => v.Item is { State: ItemStatus.InProgress, ClaimedBy: not null }
                                         && (v.Item.ProgressAt ?? v.Item.ClaimedAt) < staleBefore).ToList(),
            Capacity: await capacity.WeekAsync(workspaceId, from, to, null, ct),
            Stuck: open.Where(v => v.Item.UpdatedAt < stuckBefore).ToList(),
            StuckDays: o.StuckDays);
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
