using SpeBot.Core.Items;

namespace SpeBot.Host.Jobs;

/// <summary>
/// Settles fresh items in the background (<see cref="ItemSettling"/>): every <see cref="Interval"/>, and at once again
/// while a pass found a full batch, so a burst of proposals settles as fast as it came. Every instance runs it; on
/// PostgreSQL their passes take different rows.
/// </summary>
internal sealed partial class ItemSettler(ItemSettling settling, TimeProvider clock, ILogger<ItemSettler> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var settled = 0;
            try
            {
                settled = await settling.SettleAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Fresh items stay readable (counts and person lists read them directly); only the next pass is later.
                LogFailed(e);
            }
            if (settled == ItemSettling.MaxBatch) continue;
            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settling new items failed; the next pass is in a second (their counts and person lists are right meanwhile)")]
    private partial void LogFailed(Exception e);
}
