using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Schedules;

/// <summary>
/// Once-only housekeeping across instances (the <c>job_runs</c> table): every instance runs the same periodic jobs, and
/// the first to claim a job's period does the work; the others find it claimed and skip it, like a schedule's period in
/// <c>schedule_runs</c>. The claim commits before the work, so a run that fails is not retried until the next period;
/// the jobs claimed this way (claim expiry, pruning) catch up on everything older in their next run.
/// </summary>
public sealed class JobRuns(Database db, TimeProvider clock)
{
    /// <summary>The start of the period of length <paramref name="every"/> that holds <paramref name="at"/> (periods start at the Unix epoch).</summary>
    public static DateTimeOffset PeriodOf(DateTimeOffset at, TimeSpan every) =>
        new(at.UtcTicks - (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % every.Ticks, TimeSpan.Zero);

    /// <summary>Claims the current period of <paramref name="job"/>; false when another instance (or an earlier run) has it.</summary>
    public async Task<bool> ClaimAsync(string job, TimeSpan every, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        return await db.WriteAsync((c, tx) => c.ExecuteScalarAsync<string?>(new CommandDefinition("""
            INSERT INTO job_runs (job, period, claimed_at) VALUES (@job, @period, @now)
            ON CONFLICT (job, period) DO NOTHING
            RETURNING job
            """, new { job, period = Iso.Of(PeriodOf(now, every)), now = Iso.Of(now) }, tx, cancellationToken: ct)), ct) is not null;
    }
}
