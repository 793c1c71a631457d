using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Schedules;

/// <summary>
/// Weekly nudges: one DM per person with their stale claims (skipping people who opted out) and one channel
/// line for unowned top items. The DM waits in the outbox until working hours in the person's zone.
/// </summary>
public sealed class NudgePost(OutboxStore outbox, ItemQueries queries, TimeProvider clock, IOptions<ScheduleOptions> options) : IScheduledPost
{
    public string Kind => ScheduleKinds.Nudge;

    public async Task EnqueueAsync(DbConnection c, DbTransaction tx, Schedule schedule, Period period, CancellationToken ct)
    {
        var platform = PlatformNames.Parse(schedule.Platform);
        var staleBefore = Iso.Of(clock.GetUtcNow().AddDays(-options.Value.StaleClaimDays));
        var stale = (await c.QueryAsync<Item>(new CommandDefinition($"""
            {ItemStore.Select}
            WHERE i.workspace_id = @WorkspaceId AND i.status = 'in_progress' AND i.claimed_by IS NOT NULL
              AND COALESCE(i.progress_at, i.claimed_at) < @staleBefore
              AND NOT EXISTS (SELECT 1 FROM user_settings u WHERE u.workspace_id = i.workspace_id AND u.user_id = i.claimed_by AND u.nudges_enabled = 0)
            ORDER BY i.number
            """, new { schedule.WorkspaceId, staleBefore }, tx, cancellationToken: ct))).ToList();
        var key = $"{schedule.Id}:{Iso.Of(period.At)}";
        foreach (var person in stale.GroupBy(i => i.ClaimedBy!))
        {
            await outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, schedule.WorkspaceId, person.Key, OutboxKinds.Nudge, new OutboundBody
            {
                UserId = person.Key, Key = key, Args = new() { ["items"] = string.Join(',', person.Select(i => i.Id)) },
            }, $"nudge:{key}:{person.Key}"), ct);
        }
        var unowned = (await c.QueryAsync<Item>(new CommandDefinition($"""
            {ItemStore.Select} WHERE i.workspace_id = @WorkspaceId AND i.status IN ('proposed', 'accepted') AND i.claimed_by IS NULL
            """, new { schedule.WorkspaceId }, tx, cancellationToken: ct))).Select(queries.View)
            .OrderByDescending(v => v.Score).ThenBy(v => v.Item.Number).Take(options.Value.TopItems).ToList();
        if (unowned.Count == 0) return;
        var line = new Message("nudge.unowned", new() { ["items"] = string.Join(", ", unowned.Select(v => $"{v.Item.Ref} {v.Item.Title}")) });
        await outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, schedule.WorkspaceId, schedule.ChannelId, OutboxKinds.Notice,
            Notices.Body(line, schedule.ChannelId, null, ephemeral: false), $"nudge_channel:{key}"), ct);
    }
}

/// <summary>Per-person nudge settings and the time zone cache in <c>user_settings</c>.</summary>
public sealed class NudgeSettings(Database db, IUserTimeZones zones, TimeProvider clock)
{
    public Task SetEnabledAsync(long workspaceId, string userId, bool enabled, CancellationToken ct = default) =>
        db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO user_settings (workspace_id, user_id, nudges_enabled, updated_at) VALUES (@workspaceId, @userId, @enabled, @now)
            ON CONFLICT (workspace_id, user_id) DO UPDATE SET nudges_enabled = excluded.nudges_enabled, updated_at = excluded.updated_at
            """, new { workspaceId, userId, enabled = enabled ? 1 : 0, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)), ct);

    public async Task<bool> IsEnabledAsync(long workspaceId, string userId, CancellationToken ct = default) =>
        await db.ReadAsync(c => c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT nudges_enabled FROM user_settings WHERE workspace_id = @workspaceId AND user_id = @userId",
            new { workspaceId, userId }, cancellationToken: ct)), ct) != 0;

    /// <summary>The person's zone: cached, else looked up once on the platform and cached; null if unknown.</summary>
    public async Task<TimeZoneInfo?> ZoneAsync(long workspaceId, string userId, CancellationToken ct = default)
    {
        var cached = await db.ReadAsync(c => c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT time_zone FROM user_settings WHERE workspace_id = @workspaceId AND user_id = @userId",
            new { workspaceId, userId }, cancellationToken: ct)), ct);
        if (When.Zone(cached) is { } zone) return zone;
        var looked = When.Zone(await zones.LookupAsync(workspaceId, userId, ct));
        if (looked is null) return null;
        await db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO user_settings (workspace_id, user_id, time_zone, updated_at) VALUES (@workspaceId, @userId, @zone, @now)
            ON CONFLICT (workspace_id, user_id) DO UPDATE SET time_zone = excluded.time_zone, updated_at = excluded.updated_at
            """, new { workspaceId, userId, zone = looked.Id, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)), ct);
        return looked;
    }
}
