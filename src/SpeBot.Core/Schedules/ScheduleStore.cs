using System.Data.Common;
using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Schedules;

/// <summary>The <c>schedules</c> table and the once-only claims in <c>schedule_runs</c>.</summary>
public sealed class ScheduleStore(Database db, TimeProvider clock)
{
    // This store's dialect difference (Storage/Dialect.cs): how a list parameter is matched.
    private readonly string _notInKeep = db.Provider.NotIn("keep");

    private const string Select = """
        SELECT id, workspace_id, kind, channel_id, cron, time_zone, enabled, args, source, created_by, created_at,
               (SELECT w.platform FROM workspaces w WHERE w.id = schedules.workspace_id) AS platform
        FROM schedules
        """;

    public async Task<long> AddAsync(long workspaceId, string kind, string channelId, Cron cron, string zone, string? createdBy, CancellationToken ct = default) =>
        await db.WriteAsync((c, tx) => c.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO schedules (workspace_id, kind, channel_id, cron, time_zone, enabled, source, created_by, created_at, updated_at)
            VALUES (@workspaceId, @kind, @channelId, @cron, @zone, 1, 'chat', @createdBy, @now, @now)
            RETURNING id
            """, new { workspaceId, kind, channelId, cron = cron.Text, zone, createdBy, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)), ct);

    public Task<Schedule?> GetAsync(long id, CancellationToken ct = default) =>
        db.ReadAsync(c => c.QuerySingleOrDefaultAsync<Schedule>(new CommandDefinition($"{Select} WHERE id = @id", new { id }, cancellationToken: ct)), ct);

    public async Task<IReadOnlyList<Schedule>> EnabledAsync(CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<Schedule>(new CommandDefinition($"{Select} WHERE enabled = 1 ORDER BY id", cancellationToken: ct)), ct)).ToList();

    public async Task<IReadOnlyList<Schedule>> ListAsync(long workspaceId, CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<Schedule>(new CommandDefinition(
            $"{Select} WHERE workspace_id = @workspaceId AND enabled = 1 ORDER BY id", new { workspaceId }, cancellationToken: ct)), ct)).ToList();

    /// <summary>Disables rather than deletes, so the claims of past periods stay and a re-added id never replays.</summary>
    public async Task<bool> DisableAsync(long workspaceId, long id, CancellationToken ct = default) =>
        await db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition(
            "UPDATE schedules SET enabled = 0, updated_at = @now WHERE id = @id AND workspace_id = @workspaceId AND enabled = 1",
            new { id, workspaceId, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)), ct) > 0;

    /// <summary>Makes the config rows match the configuration: same (workspace, kind, channel) updates, new inserts, gone disables.</summary>
    public Task SeedAsync(IReadOnlyList<(long WorkspaceId, string Kind, string ChannelId, Cron Cron, string Zone)> wanted, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx) =>
        {
            var now = Iso.Of(clock.GetUtcNow());
            var keep = new List<long>();
            foreach (var w in wanted)
            {
                var args = new { w.WorkspaceId, w.Kind, w.ChannelId, cron = w.Cron.Text, w.Zone, now };
                var id = await c.ExecuteScalarAsync<long?>(new CommandDefinition("""
                    UPDATE schedules SET cron = @cron, time_zone = @Zone, enabled = 1, updated_at = @now
                    WHERE source = 'config' AND workspace_id = @WorkspaceId AND kind = @Kind AND channel_id = @ChannelId
                    RETURNING id
                    """, args, tx, cancellationToken: ct))
                    ?? await c.ExecuteScalarAsync<long>(new CommandDefinition("""
                    INSERT INTO schedules (workspace_id, kind, channel_id, cron, time_zone, enabled, source, created_at, updated_at)
                    VALUES (@WorkspaceId, @Kind, @ChannelId, @cron, @Zone, 1, 'config', @now, @now) RETURNING id
                    """, args, tx, cancellationToken: ct));
                keep.Add(id);
            }
            await c.ExecuteAsync(new CommandDefinition(
                $"UPDATE schedules SET enabled = 0, updated_at = @now WHERE source = 'config' AND enabled = 1 AND id {_notInKeep}",
                new { keep, now }, tx, cancellationToken: ct));
            return 0;
        }, ct);

    /// <summary>Claims one period of one schedule; false when it was already claimed (by a retry, a double fire or another instance).</summary>
    public static async Task<bool> ClaimAsync(DbConnection c, DbTransaction tx, long scheduleId, DateTimeOffset period, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO schedule_runs (schedule_id, period, claimed_at) VALUES (@scheduleId, @period, @now)
            ON CONFLICT (schedule_id, period) DO NOTHING
            RETURNING schedule_id
            """, new { scheduleId, period = Iso.Of(period), now = Iso.Of(now) }, tx, cancellationToken: ct)) is not null;
}
