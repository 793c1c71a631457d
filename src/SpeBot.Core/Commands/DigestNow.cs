using Microsoft.Extensions.Options;
using SpeBot.Core.Capacity;
using SpeBot.Core.Outbox;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Commands;

/// <summary>
/// <c>/spe digest now</c>: the digest for this channel's current period. With a digest schedule here it shares
/// that period's key, so it edits the scheduled message; without one the period is the workspace's week.
/// </summary>
public sealed class DigestNow(Database db, ScheduleStore schedules, DigestPost digest, OutboxSignal signal, TimeProvider clock,
                              IOptions<SpeBotOptions> options) : ICommandHandler
{
    public string Verb => "digest";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        if (c.Parsed.Args.Count != 1 || !c.Parsed.Args[0].Text.Equals("now", StringComparison.OrdinalIgnoreCase)) return Reply.Text("help.digest");
        var now = clock.GetUtcNow();
        var channel = c.Command.ChannelId;
        var schedule = (await schedules.ListAsync(c.Workspace.Id, ct))
            .FirstOrDefault(s => s.Kind == ScheduleKinds.Digest && s.ChannelId == channel);
        string key;
        DateTimeOffset from;
        if (schedule is not null && ScheduleRunner.PeriodOf(schedule, now) is { } period)
        {
            (key, from) = ($"{schedule.Id}:{Iso.Of(period.At)}", period.From);
        }
        else
        {
            from = Weeks.Of(now, Weeks.Zone(c.Workspace.TimeZone, options.Value.DefaultTimeZone)).Start;
            key = $"manual:{channel}:{Iso.Of(from)}";
        }
        await db.WriteAsync(async (conn, tx) =>
        {
            await digest.EnqueueAsync(conn, tx, c.Command.Platform, c.Workspace.Id, channel, key, from, ct);
            return 0;
        }, ct);
        signal.Notify();
        return Reply.Text("digest.queued");
    }
}
