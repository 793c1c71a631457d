using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Items;

namespace SpeBot.Host.Jobs;

/// <summary>Hourly: releases claims with no update for SpeBot:ClaimExpiryDays and tells each claimer.</summary>
internal sealed partial class ClaimExpiryJob(Lifecycle lifecycle, TimeProvider clock, IOptions<SpeBotOptions> options, ILogger<ClaimExpiryJob> log)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                var released = await lifecycle.ExpireClaimsAsync(TimeSpan.FromDays(options.Value.ClaimExpiryDays), stoppingToken);
                if (released > 0) LogReleased(released);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} stale claims")]
    private partial void LogReleased(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Claim expiry failed; it runs again within the hour")]
    private partial void LogFailed(Exception e);
}
