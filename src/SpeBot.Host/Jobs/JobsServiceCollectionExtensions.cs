using Quartz;
using SpeBot.Core.Schedules;

namespace SpeBot.Host.Jobs;

public static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        // Order matters: the schema is in place before anything else starts.
        services.AddHostedService<DatabaseStartup>();
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddHostedService<ClaimExpiryJob>();
        services.AddHostedService<ItemSettler>();
        services.AddSchedules();
        return services;
    }

    /// <summary>Quartz in memory supplies time; SpeBot's schedule_runs table supplies once-only (architecture §5).</summary>
    private static void AddSchedules(this IServiceCollection services)
    {
        // Quartz takes the container's TimeProvider (the one registered by AddSpeBotCore, a fake in tests).
        services.AddQuartz(q => q.UseInMemoryStore(_ => { }));
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddTransient<ScheduledRunJob>();
        services.AddSingleton<ScheduleSync>();
        services.AddSingleton<IScheduleSync>(sp => sp.GetRequiredService<ScheduleSync>());
        services.AddHostedService<ScheduleStartup>();
        // One-off timers (poll close, handoff reminder); replaces the core's no-op default.
        services.AddTransient<DueJob>();
        services.AddSingleton<SpeBot.Core.Schedules.IDueTimers, DueTimers>();
        services.AddHostedService<DueSweep>();
    }
}
