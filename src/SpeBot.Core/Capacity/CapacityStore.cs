using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Capacity;

/// <summary>One team's week: hours pledged against hours delivered.</summary>
public sealed record CapacityLine(string Team, double Pledged, double Delivered);

/// <summary>
/// Pledges per team and delivery: hours logged with <c>/spe log</c>, plus, for items done in the week with no
/// hours logged, their effort × <see cref="SpeBotOptions.EffortHours"/>.
/// </summary>
public sealed class CapacityStore(Database db, TimeProvider clock, IOptions<SpeBotOptions> options)
{
    public const string NoTeam = "";

    public Task PledgeAsync(long workspaceId, string team, double hoursPerWeek, string userId, CancellationToken ct = default) =>
        db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO capacity_pledges (workspace_id, team, hours_per_week, pledged_by, valid_from, created_at)
            VALUES (@workspaceId, @team, @hoursPerWeek, @userId, @now, @now)
            """, new { workspaceId, team, hoursPerWeek, userId, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)), ct);

    public async Task<IReadOnlyList<CapacityLine>> WeekAsync(long workspaceId, DateTimeOffset start, DateTimeOffset end, string? team, CancellationToken ct = default)
    {
        var args = new { workspaceId, start = Iso.Of(start), end = Iso.Of(end), team, effortHours = options.Value.EffortHours };
        var rows = await db.ReadAsync(c => c.QueryAsync<(string Team, double Pledged, double Delivered)>(new CommandDefinition("""
            WITH teams AS (
              SELECT team FROM capacity_pledges WHERE workspace_id = @workspaceId AND valid_from < @end
              UNION SELECT COALESCE(team, '') FROM items WHERE workspace_id = @workspaceId AND done_at >= @start AND done_at < @end
              UNION SELECT COALESCE(i.team, '') FROM work_logs w JOIN items i ON i.id = w.item_id
                    WHERE i.workspace_id = @workspaceId AND w.logged_at >= @start AND w.logged_at < @end
            )
            SELECT t.team AS Team,
              COALESCE((SELECT p.hours_per_week FROM capacity_pledges p
                        WHERE p.workspace_id = @workspaceId AND p.team = t.team AND p.valid_from < @end
                        ORDER BY p.valid_from DESC, p.id DESC LIMIT 1), 0.0) AS Pledged,
              COALESCE((SELECT SUM(w.hours) FROM work_logs w JOIN items i ON i.id = w.item_id
                        WHERE i.workspace_id = @workspaceId AND COALESCE(i.team, '') = t.team
                          AND w.logged_at >= @start AND w.logged_at < @end), 0.0)
              + COALESCE((SELECT SUM(COALESCE(i.effort, 3) * @effortHours) FROM items i
                          WHERE i.workspace_id = @workspaceId AND COALESCE(i.team, '') = t.team AND i.status = 'done'
                            AND i.done_at >= @start AND i.done_at < @end
                            AND NOT EXISTS (SELECT 1 FROM work_logs w WHERE w.item_id = i.id)), 0.0) AS Delivered
            FROM teams t
            WHERE @team IS NULL OR lower(t.team) = lower(@team)
            ORDER BY t.team
            """, args, cancellationToken: ct)), ct);
        return rows.Select(r => new CapacityLine(r.Team, r.Pledged, r.Delivered)).ToList();
    }
}
