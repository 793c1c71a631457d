using Quartz;
using SpeBot.Core.Schedules;

namespace SpeBot.Host.Jobs;

/// <summary>
/// Quartz holds one cron trigger per enabled schedule row, in memory; the database stays the truth, so a sync
/// simply drops SpeBot's triggers and adds them again from the rows.
/// </summary>
internal sealed partial class ScheduleSync(ISchedulerFactory factory, ScheduleStore store, TimeProvider clock, ILogger<ScheduleSync> log) : IScheduleSync
{
    public const string Group = "spebot-schedules";
    public static readonly JobKey RunJob = new("scheduled-run", Group);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task SyncAsync(CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        await _gate.WaitAsync(ct);
        try
        {
            if (!await scheduler.Exists(RunJob, ct))
            {
                var job = JobBuilder.Create<ScheduledRunJob>().WithIdentity(RunJob).StoreDurably(true).DisallowConcurrentExecution(true).Build();
                await scheduler.AddJob(job, default, ct);
            }
            await scheduler.UnscheduleJobs(GroupMatcher<TriggerKey>.GroupEquals(Group), ct);
            var count = 0;
            foreach (var s in await store.EnabledAsync(ct))
            {
                var trigger = TriggerBuilder.Create(clock)
                    .WithIdentity(TriggerOf(s.Id))
                    .ForJob(RunJob)
                    .UsingJobData(ScheduledRunJob.ScheduleIdKey, s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    // Fire-and-proceed is safe: the run claims the nominal period, so a late fire never doubles one.
                    .WithSchedule(CronScheduleBuilder.Create(s.Cron).InTimeZone(s.Zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                    .Build();
                await scheduler.ScheduleJob(trigger, default, ct);
                count++;
            }
            LogSynced(count);
        }
        finally
        {
            _gate.Release();
        }
    }

    public static TriggerKey TriggerOf(long scheduleId) => new($"schedule-{scheduleId}", Group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} schedules into Quartz")]
    private partial void LogSynced(int count);
}
