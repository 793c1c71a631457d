using SpeBot.Core.Discovery;

namespace SpeBot.Host.Discovery;

/// <summary>
/// Runs the TLS and certificate watch: every hour it checks the endpoints not yet checked in the current daily period
/// (Watch:When). The period claim lives in watch_endpoints, so a restart, a second instance or a missed hour never
/// checks an endpoint twice in a period, and a day missed while down is caught up at the next tick.
/// </summary>
internal sealed partial class WatchJob(Watcher watcher, TimeProvider clock, ILogger<WatchJob> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await watcher.RunDueAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The TLS watch failed; it runs again within the hour")]
    private partial void LogFailed(Exception e);
}
