using Microsoft.Extensions.Options;
using SpeBot.Core.Outbox;
using SpeBot.Core.Retro;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Commands;

/// <summary>
/// <c>/spe retro [duration] [anonymous]</c>: a retro poll in this channel over the items done since this channel's retro
/// period began (with a retro schedule here) or in the last 7 days, plus the top open items.
/// </summary>
public sealed class RetroCommand(Database db, RetroPolls polls, ScheduleStore schedules, OutboxSignal signal, TimeProvider clock,
                                 IOptions<RetroOptions> options) : ICommandHandler
{
    private static readonly string[] AnonymousWords = ["anonymous", "anon", "匿名"];

    public string Verb => "retro";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        PollDuration.TryParse(options.Value.DefaultDuration, out var duration);
        var anonymous = false;
        foreach (var word in c.Parsed.Args.Select(a => a.Text))
        {
            if (AnonymousWords.Contains(word, StringComparer.OrdinalIgnoreCase)) anonymous = true;
            else if (!PollDuration.TryParse(word, out duration)) return Reply.Text("help.retro");
        }
        var now = clock.GetUtcNow();
        var schedule = (await schedules.ListAsync(c.Workspace.Id, ct))
            .FirstOrDefault(s => s.Kind == ScheduleKinds.Retro && s.ChannelId == c.Command.ChannelId);
        var from = schedule is not null && ScheduleRunner.PeriodOf(schedule, now) is { } period ? period.From : now.AddDays(-7);
        var id = await db.WriteAsync((conn, tx) =>
            polls.OpenAsync(conn, tx, c.Command.Platform, c.Workspace.Id, c.Command.ChannelId, c.UserId, from, duration, anonymous, ct), ct);
        if (id is null) return Reply.Text("retro.nothing");
        signal.Notify();
        await polls.ArmTimersAsync(ct);
        return Reply.Text(anonymous ? "retro.opened_anonymous" : "retro.opened", new() { ["duration"] = Format(duration) });
    }

    private static string Format(TimeSpan d) =>
        d.TotalDays >= 1 && d.TotalDays == Math.Floor(d.TotalDays) ? FormattableString.Invariant($"{d.TotalDays:0}d")
        : d.TotalHours >= 1 && d.TotalHours == Math.Floor(d.TotalHours) ? FormattableString.Invariant($"{d.TotalHours:0}h") : FormattableString.Invariant($"{d.TotalMinutes:0}m");
}
