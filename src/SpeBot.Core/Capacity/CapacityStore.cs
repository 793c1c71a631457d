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

    /// <summary>
    /// The week's lines. Reads the week's logs and done items once (indexes on logged_at and done_at), summed per team,
    /// so the cost is the week's activity, not the backlog nor activity × teams. CROSS JOIN keeps the week's work_logs
    /// as the outer loop, where the planner otherwise walked every item of the workspace.
    /// </summary>
    public async Task<IReadOnlyList<CapacityLine>> WeekAsync(long workspaceId, DateTimeOffset start, DateTimeOffset end, string? team, CancellationToken ct = default)
    {
        var args = new { workspaceId, start = Iso.Of(start), end = Iso.Of(end), team, effortHours = options.Value.EffortHours };
        var rows = await db.ReadAsync(c => c.QueryAsync<(string Team, double Pledged, double Delivered)>(new CommandDefinition("""
            WITH logged AS (
              SELECT COALESCE(i.team, '') AS team, SUM(w.hours) AS hours
              FROM work_logs w CROSS JOIN items i
              WHERE i.id = w.item_id AND i.workspace_id = @workspaceId AND w.logged_at >= @start AND w.logged_at < @end
              GROUP BY COALESCE(i.team, '')
            ),
            finished AS (
              SELECT COALESCE(i.team, '') AS team,
                     SUM(CASE WHEN i.status = 'done' AND NOT EXISTS (SELECT 1 FROM work_logs w WHERE w.item_id = i.id)
                              THEN COALESCE(i.effort, 3) * @effortHours ELSE 0.0 END) AS hours
              FROM items i
              WHERE i.workspace_id = @workspaceId AND i.done_at >= @start AND i.done_at < @end
              GROUP BY COALESCE(i.team, '')
            ),
            teams AS (
              SELECT team FROM capacity_pledges WHERE workspace_id = @workspaceId AND valid_from < @end
              UNION SELECT team FROM finished
              UNION SELECT team FROM logged
            )
            SELECT t.team AS Team,
              COALESCE((SELECT p.hours_per_week FROM capacity_pledges p
                        WHERE p.workspace_id = @workspaceId AND p.team = t.team AND p.valid_from < @end
                        ORDER BY p.valid_from DESC, p.id DESC LIMIT 1), 0.0) AS Pledged,
              COALESCE(l.hours, 0.0) + COALESCE(f.hours, 0.0) AS Delivered
            FROM teams t LEFT JOIN logged l ON l.team = t.team LEFT JOIN finished f ON f.team = t.team
            WHERE @team IS NULL OR lower(t.team) = lower(@team)
            ORDER BY t.team
            """, args, cancellationToken: ct)), ct);
        return rows.Select(r => new CapacityLine(r.Team, r.Pledged, r.Delivered)).ToList();
    }
}
