namespace SpeBot.Core.Schedules;

/// <summary>
/// One-off timers at a row's due time (poll close, handoff reminder). The Host implements them with Quartz;
/// every due action is claim-guarded, so a timer that fires twice, or a sweep at start-up, acts once.
/// </summary>
public interface IDueTimers
{
    Task ScheduleAsync(string kind, long id, DateTimeOffset at, CancellationToken ct);
}

public static class DueKinds
{
    public const string PollClose = "poll_close";
    public const string HandoffReminder = "handoff_reminder";
}

/// <summary>Core-only hosts (tests, tools) have no timer; the start-up sweep still closes what is due.</summary>
internal sealed class NoDueTimers : IDueTimers
{
    public Task ScheduleAsync(string kind, long id, DateTimeOffset at, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>The two things every kind of timed row needs: act on the ones already due, and arm a timer for each.</summary>
public static class DueRows
{
    /// <summary>Runs <paramref name="act"/> for each row due by <paramref name="now"/> (start-up after downtime, periodic safety net).</summary>
    public static async Task<int> ActOnDueAsync(IEnumerable<(long Id, DateTimeOffset At)> rows, DateTimeOffset now, Func<long, Task<bool>> act)
    {
        var done = 0;
        foreach (var (id, at) in rows)
        {
            if (at <= now && await act(id)) done++;
        }
        return done;
    }

    /// <summary>Arms a timer for every row (idempotent: a timer is keyed by kind and row).</summary>
    public static async Task ArmAsync(this IDueTimers timers, string kind, IEnumerable<(long Id, DateTimeOffset At)> rows, CancellationToken ct)
    {
        foreach (var (id, at) in rows) await timers.ScheduleAsync(kind, id, at, ct);
    }
}
