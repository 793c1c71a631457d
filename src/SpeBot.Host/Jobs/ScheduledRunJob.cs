using Quartz;
using SpeBot.Core.Schedules;

namespace SpeBot.Host.Jobs;

/// <summary>One fire of a schedule's trigger; the runner decides the period and claims it, so a double fire posts once.</summary>
[DisallowConcurrentExecution]
internal sealed partial class ScheduledRunJob(ScheduleRunner runner, ILogger<ScheduledRunJob> log) : IJob
{
    public const string ScheduleIdKey = "scheduleId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!long.TryParse(context.MergedJobDataMap[ScheduleIdKey]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var id)) return;
        try
        {
            LogRan(id, await runner.RunAsync(id, cancellationToken));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Nothing was claimed, so the start-up catch-up (or the next fire's period) still covers it.
            LogFailed(e, id);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Schedule {Id} fired: {Outcome}")]
    private partial void LogRan(long id, RunOutcome outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule {Id} failed; its period stays unclaimed")]
    private partial void LogFailed(Exception e, long id);
}
