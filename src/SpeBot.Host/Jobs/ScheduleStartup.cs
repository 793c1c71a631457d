using SpeBot.Core.Schedules;

namespace SpeBot.Host.Jobs;

/// <summary>
/// Seeds configured schedules, loads them into Quartz, makes up the latest missed period of each once, then
/// re-syncs every minute when the rows changed (edits made by another instance).
/// </summary>
internal sealed partial class ScheduleStartup(ScheduleSeeder seeder, IScheduleSync sync, ScheduleRunner runner, ScheduleStore store,
                                              TimeProvider clock, ILogger<ScheduleStartup> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>Seeding finishes before the host serves requests, so a command never races the configured rows.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await seeder.SeedAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(e);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? seen = null;
        try
        {
            seen = await FingerprintAsync(stoppingToken);
            await sync.SyncAsync(stoppingToken);
            var caught = await runner.CatchUpAsync(stoppingToken);
            if (caught > 0) LogCaughtUp(caught);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogFailed(e);
        }
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = await FingerprintAsync(stoppingToken);
                if (now == seen) continue;
                await sync.SyncAsync(stoppingToken);
                seen = now;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(e);
            }
        }
    }

    private async Task<string> FingerprintAsync(CancellationToken ct) =>
        string.Join(';', (await store.EnabledAsync(ct)).Select(s => $"{s.Id}:{s.Cron}:{s.TimeZone}"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Made up {Count} schedule periods missed while down")]
    private partial void LogCaughtUp(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule start-up or re-sync failed; retried within a minute")]
    private partial void LogFailed(Exception e);
}
