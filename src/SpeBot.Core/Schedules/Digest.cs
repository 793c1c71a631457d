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
/// Triage and Stuck hold the first <see cref="DigestBuilder.MaxListed"/> items; their totals are TriageCount and StuckCount.
/// </summary>
public sealed record DigestModel(
    DateTimeOffset From, DateTimeOffset To, int Open, IReadOnlyList<ItemView> Top, IReadOnlyList<ItemView> New, IReadOnlyList<ItemView> Done,
    IReadOnlyList<ItemView> Triage, IReadOnlyList<ItemView> StaleClaims, IReadOnlyList<CapacityLine> Capacity, IReadOnlyList<ItemView> Stuck,
    int StuckDays, int? TriageTotal = null, int? StuckTotal = null)
{
    public int TriageCount => TriageTotal ?? Triage.Count;
    public int StuckCount => StuckTotal ?? Stuck.Count;
}

/// <summary>
/// Builds a digest from indexes only: the counts come from item_counts, the top from the score index, new and done
/// items from the window's own rows, and the long lists (waiting for triage, stuck) are read only as far as they are shown.
/// </summary>
public sealed class DigestBuilder(Database db, ItemQueries queries, CapacityStore capacity, TimeProvider clock, IOptions<ScheduleOptions> options)
{
    /// <summary>Items listed per long section; more than any renderer shows (Slack 10 lines, Teams 10 at most).</summary>
    public const int MaxListed = 20;

    private const string OpenIn = "('proposed', 'accepted', 'in_progress')";

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
            // Open and waiting for triage from the counts; "stuck" is every open item minus those touched since the cutoff.
            var counts = await c.QuerySingleAsync<(long Open, long Proposed, long Recent)>(new CommandDefinition($"""
                SELECT (SELECT COALESCE(SUM(n), 0) FROM item_counts WHERE workspace_id = @workspaceId AND status IN {OpenIn}),
                       (SELECT COALESCE(SUM(n), 0) FROM item_counts WHERE workspace_id = @workspaceId AND status = 'proposed'),
                       (SELECT COUNT(*) FROM items WHERE workspace_id = @workspaceId AND status IN {OpenIn} AND updated_at >= @stuckBefore)
                """, args, cancellationToken: ct));
            var created = await Items($"{ItemStore.Select} WHERE i.workspace_id = @workspaceId AND i.created_at >= @from AND i.created_at < @to ORDER BY i.number");
            // done_at alone picks the window's rows (only done items have it); the status is checked on those few rows.
            var done = (await Items($"{ItemStore.Select} WHERE i.workspace_id = @workspaceId AND i.done_at >= @from AND i.done_at < @to ORDER BY i.number"))
                .Where(v => v.Item.State == ItemStatus.Done).ToList();
            var triage = await Items($"{ItemStore.Select} WHERE i.workspace_id = @workspaceId AND i.status = 'proposed' ORDER BY i.number LIMIT @limit");
            var stale = await Items($"""
                {ItemStore.Select} WHERE i.workspace_id = @workspaceId AND i.status = 'in_progress' AND i.claimed_by IS NOT NULL
                  AND COALESCE(i.progress_at, i.claimed_at) < @staleBefore ORDER BY i.number
                """);
            // Oldest first per open status, read only until the list is full: old open items are the stuck ones.
            var stuck = await Items(string.Join("\nUNION ALL\n", new[] { "proposed", "accepted", "in_progress" }.Select((s, k) => $"""
                SELECT * FROM (SELECT i.* FROM items i WHERE i.workspace_id = @workspaceId AND i.status = '{s}' AND i.updated_at < @stuckBefore
                               ORDER BY i.number LIMIT @limit) AS s{k}
                """)) + "\nORDER BY number LIMIT @limit");
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
            StuckTotal: (int)(counts.Open - counts.Recent));
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
