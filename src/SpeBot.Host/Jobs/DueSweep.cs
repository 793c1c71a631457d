using SpeBot.Core.Oncall;
using SpeBot.Core.Retro;

namespace SpeBot.Host.Jobs;

/// <summary>
/// At start-up: closes polls and sends reminders that came due while the bot was down (exactly once: each is claimed),
/// then arms Quartz timers for the rest. Every minute after, the same sweep is a safety net for a lost timer.
/// </summary>
internal sealed partial class DueSweep(RetroPolls polls, Handoffs handoffs, TimeProvider clock, ILogger<DueSweep> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var armed = false;
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                var closed = await polls.CloseDueAsync(stoppingToken);
                var reminded = await handoffs.RemindDueAsync(stoppingToken);
                if (closed + reminded > 0) LogSwept(closed, reminded);
                if (!armed)
                {
                    await polls.ArmTimersAsync(stoppingToken);
                    await handoffs.ArmTimersAsync(stoppingToken);
                    armed = true;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Polls} overdue polls and sent {Reminders} overdue handoff reminders")]
    private partial void LogSwept(int polls, int reminders);

    [LoggerMessage(Level = LogLevel.Error, Message = "Due sweep failed; retried within a minute")]
    private partial void LogFailed(Exception e);
}
