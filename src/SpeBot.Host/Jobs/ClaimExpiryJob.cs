using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Schedules;

namespace SpeBot.Host.Jobs;

/// <summary>
/// Hourly housekeeping: releases claims with no update for SpeBot:ClaimExpiryDays (telling each claimer) and
/// prunes sent outbox rows and processed event ids older than their Retention settings, so the tables stay small.
/// Every instance runs the timer; the one that claims the hour in job_runs does the work.
/// </summary>
internal sealed partial class ClaimExpiryJob(Lifecycle lifecycle, OutboxStore outbox, JobRuns runs, TimeProvider clock, IOptions<SpeBotOptions> options,
                                             IOptions<RetentionOptions> retention, ILogger<ClaimExpiryJob> log)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    public const string JobName = "claim_expiry";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                if (!await runs.ClaimAsync(JobName, Interval, stoppingToken))
                {
                    LogAlreadyRun();
                    continue;
                }
                var released = await lifecycle.ExpireClaimsAsync(TimeSpan.FromDays(options.Value.ClaimExpiryDays), stoppingToken);
                if (released > 0) LogReleased(released);
                var keep = retention.Value;
                await outbox.PruneAsync(TimeSpan.FromDays(keep.SentOutboxDays), stoppingToken, TimeSpan.FromDays(keep.InboxDays));
                LogDone();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Housekeeping for this hour already ran (another instance, or before a restart)")]
    private partial void LogAlreadyRun();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Housekeeping for this hour done")]
    private partial void LogDone();

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} stale claims")]
    private partial void LogReleased(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Claim expiry failed; it runs again within the hour")]
    private partial void LogFailed(Exception e);
}
