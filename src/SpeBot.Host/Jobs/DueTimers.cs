using System.Globalization;
using Quartz;
using SpeBot.Core.Oncall;
using SpeBot.Core.Retro;
using SpeBot.Core.Schedules;

namespace SpeBot.Host.Jobs;

/// <summary>
/// One-off Quartz triggers at a row's due time (poll close, handoff reminder), one per row: arming again replaces it.
/// A missed fire runs at once (FireNow); the action it runs is claim-guarded, so extra fires do nothing.
/// </summary>
internal sealed class DueTimers(ISchedulerFactory factory, TimeProvider clock) : IDueTimers
{
    public const string Group = "spebot-due";
    public const string KindKey = "kind";
    public const string IdKey = "id";
    public static readonly JobKey Job = new("due", Group);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task ScheduleAsync(string kind, long id, DateTimeOffset at, CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        var key = TriggerOf(kind, id);
        await _gate.WaitAsync(ct);
        try
        {
            if (!await scheduler.Exists(Job, ct))
                await scheduler.AddJob(JobBuilder.Create<DueJob>().WithIdentity(Job).StoreDurably(true).Build(), default, ct);
            await scheduler.UnscheduleJob(key, ct);
            var trigger = TriggerBuilder.Create(clock)
                .WithIdentity(key)
                .ForJob(Job)
                .UsingJobData(KindKey, kind)
                .UsingJobData(IdKey, id.ToString(CultureInfo.InvariantCulture))
                .StartAt(at)
                .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
                .Build();
            await scheduler.ScheduleJob(trigger, default, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public static TriggerKey TriggerOf(string kind, long id) => new($"{kind}-{id.ToString(CultureInfo.InvariantCulture)}", Group);
}

/// <summary>One due fire: closes the poll or sends the handoff reminder, each at most once (the claim decides).</summary>
internal sealed partial class DueJob(RetroPolls polls, Handoffs handoffs, ILogger<DueJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var kind = context.MergedJobDataMap[DueTimers.KindKey]?.ToString();
        if (!long.TryParse(context.MergedJobDataMap[DueTimers.IdKey]?.ToString(), CultureInfo.InvariantCulture, out var id)) return;
        try
        {
            var acted = kind switch
            {
                DueKinds.PollClose => await polls.CloseAsync(id, cancellationToken),
                DueKinds.HandoffReminder => await handoffs.RemindAsync(id, cancellationToken),
                _ => false,
            };
            LogRan(kind ?? "?", id, acted);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Nothing was claimed; the periodic sweep picks it up.
            LogFailed(e, kind ?? "?", id);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Due {Kind} {Id} fired (acted: {Acted})")]
    private partial void LogRan(string kind, long id, bool acted);

    [LoggerMessage(Level = LogLevel.Error, Message = "Due {Kind} {Id} failed; the sweep retries within a minute")]
    private partial void LogFailed(Exception e, string kind, long id);
}
