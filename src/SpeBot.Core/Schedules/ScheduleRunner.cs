using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Schedules;

/// <summary>The window a run covers: from the previous nominal occurrence to this one.</summary>
public sealed record Period(DateTimeOffset From, DateTimeOffset At);

/// <summary>What one kind of schedule posts; it only enqueues outbox rows, inside the claim's transaction.</summary>
public interface IScheduledPost
{
    string Kind { get; }

    Task EnqueueAsync(DbConnection c, DbTransaction tx, Schedule schedule, Period period, CancellationToken ct);

    /// <summary>After the claim committed (arming one-off timers for rows it created); runs once per claimed period.</summary>
    Task AfterCommitAsync(Schedule schedule, Period period, CancellationToken ct) => Task.CompletedTask;
}

public enum RunOutcome { Posted, AlreadyClaimed, NotDue, Gone }

/// <summary>
/// Runs one schedule once per period: computes the nominal period from the clock (never the fire time, so
/// retries, misfires and other instances agree), claims it and enqueues its posts in one transaction.
/// A failure before commit leaves no claim, so the next attempt redoes the work.
/// </summary>
public sealed partial class ScheduleRunner(
    Database db, ScheduleStore schedules, IEnumerable<IScheduledPost> posts, OutboxSignal signal, TimeProvider clock, ILogger<ScheduleRunner> log)
{
    private readonly Dictionary<string, IScheduledPost> _posts = posts.ToDictionary(p => p.Kind, StringComparer.Ordinal);

    public async Task<RunOutcome> RunAsync(long scheduleId, CancellationToken ct) => await RunAsync(scheduleId, catchUp: false, ct);

    private async Task<RunOutcome> RunAsync(long scheduleId, bool catchUp, CancellationToken ct)
    {
        using var span = Telemetry.Source.StartActivity("spebot.schedule.fire");
        span?.SetTag("spebot.schedule.id", scheduleId);
        span?.SetTag("spebot.schedule.catch_up", catchUp);
        var outcome = await RunOnceAsync(scheduleId, catchUp, ct);
        span?.SetTag("spebot.schedule.outcome", outcome.ToString());
        return outcome;
    }

    private async Task<RunOutcome> RunOnceAsync(long scheduleId, bool catchUp, CancellationToken ct)
    {
        var schedule = await schedules.GetAsync(scheduleId, ct);
        if (schedule is not { Enabled: true } || !_posts.TryGetValue(schedule.Kind, out var post)) return RunOutcome.Gone;
        var now = clock.GetUtcNow();
        var period = PeriodOf(schedule, now);
        // A period before the schedule existed is not "missed"; it was never wanted.
        if (period is null || period.At < schedule.CreatedAt) return RunOutcome.NotDue;
        var claimed = await db.WriteAsync(async (c, tx) =>
        {
            if (!await ScheduleStore.ClaimAsync(c, tx, schedule.Id, period.At, now, ct)) return false;
            await post.EnqueueAsync(c, tx, schedule, period, ct);
            return true;
        }, ct);
        if (!claimed) return RunOutcome.AlreadyClaimed;
        signal.Notify();
        var kind = new KeyValuePair<string, object?>("spebot.schedule.kind", schedule.Kind);
        Telemetry.ScheduleFires.Add(1, kind);
        if (catchUp) Telemetry.ScheduleMisses.Add(1, kind);
        Activity.Current?.SetTag("spebot.schedule.kind", schedule.Kind);
        await post.AfterCommitAsync(schedule, period, ct);
        LogPosted(schedule.Id, schedule.Kind, Iso.Of(period.At));
        return RunOutcome.Posted;
    }

    /// <summary>At start-up: each enabled schedule's latest period, if unclaimed and after its creation, runs once. Never a backlog.</summary>
    public async Task<int> CatchUpAsync(CancellationToken ct)
    {
        var ran = 0;
        foreach (var s in await schedules.EnabledAsync(ct))
        {
            if (await RunAsync(s.Id, catchUp: true, ct) == RunOutcome.Posted) ran++;
        }
        return ran;
    }

    public static Period? PeriodOf(Schedule schedule, DateTimeOffset now)
    {
        var cron = schedule.Expression;
        if (cron.Latest(now, schedule.Zone) is not { } at) return null;
        return new Period(cron.Previous(at, schedule.Zone) ?? at.AddDays(-7), at);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {Id} ({Kind}) posted for period {Period}")]
    private partial void LogPosted(long id, string kind, string period);
}
