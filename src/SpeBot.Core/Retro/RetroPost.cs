using System.Data.Common;
using Microsoft.Extensions.Options;
using SpeBot.Core.Schedules;

namespace SpeBot.Core.Retro;

/// <summary>A scheduled retro: a poll over the items done in the schedule's period, open for Retro:DefaultDuration.</summary>
public sealed class RetroPost(RetroPolls polls, IOptions<RetroOptions> options) : IScheduledPost
{
    public string Kind => ScheduleKinds.Retro;

    public async Task EnqueueAsync(DbConnection c, DbTransaction tx, Schedule schedule, Period period, CancellationToken ct)
    {
        PollDuration.TryParse(options.Value.DefaultDuration, out var duration);
        // schedules.args may hold "anonymous" (set in the database by a maintainer); chat-made schedules are named polls.
        var anonymous = schedule.Args?.Contains("anonymous", StringComparison.OrdinalIgnoreCase) == true;
        await polls.OpenAsync(c, tx, PlatformNames.Parse(schedule.Platform), schedule.WorkspaceId, schedule.ChannelId, null,
            period.From, duration, anonymous, ct);
    }

    // The close timer can only be armed once the poll row is committed.
    public Task AfterCommitAsync(Schedule schedule, Period period, CancellationToken ct) => polls.ArmTimersAsync(ct);
}
