using System.Globalization;
using Microsoft.Extensions.Options;
using SpeBot.Core.Capacity;
using SpeBot.Core.Schedules;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Commands;

/// <summary><c>/spe schedule digest|nudge|retro|handoff &lt;#channel|here&gt; &lt;when&gt; [time zone]</c> (maintainers).</summary>
public sealed class ScheduleAdd(ScheduleStore schedules, IScheduleSync sync, WorkspaceStore workspaces, IOptions<SpeBotOptions> options) : ICommandHandler
{
    public string Verb => "schedule";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var args = c.Parsed.Args.Select(a => a.Text).ToList();
        if (args.Count < 3 || !ScheduleKinds.All.Contains(args[0].ToLowerInvariant())
            || !ChannelRef.TryParse(args[1], c.Command.ChannelId, out var channel)) return Reply.Text("help.schedule");
        if (!await workspaces.IsMaintainerAsync(c.Workspace.Id, c.UserId, ct)) return Reply.Text("error.maintainers_only");
        var rest = args.Skip(2).ToList();
        // A trailing IANA id is the zone; cron fields never are one.
        var zone = rest.Count > 1 ? When.Zone(rest[^1]) : null;
        if (zone is not null) rest.RemoveAt(rest.Count - 1);
        zone ??= Weeks.Zone(c.Workspace.TimeZone, options.Value.DefaultTimeZone);
        if (!When.TryParse(string.Join(' ', rest), out var cron))
            return Reply.Text("schedule.bad_when", new() { ["when"] = string.Join(' ', rest) });
        var kind = args[0].ToLowerInvariant();
        var id = await schedules.AddAsync(c.Workspace.Id, kind, channel, cron, zone.Id, c.UserId, ct);
        await sync.SyncAsync(ct);
        return Reply.Text("schedule.added", new()
        {
            ["id"] = id, ["kind"] = new KeyRef($"schedule.kind.{kind}"), ["channel"] = new ChannelMention(channel),
            ["cron"] = cron.Text, ["zone"] = zone.Id,
        });
    }
}

/// <summary><c>/spe schedules</c>: this workspace's enabled schedules with their next run.</summary>
public sealed class ScheduleList(ScheduleStore schedules, TimeProvider clock) : ICommandHandler
{
    public string Verb => "schedules";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var all = await schedules.ListAsync(c.Workspace.Id, ct);
        if (all.Count == 0) return Reply.Text("schedules.none");
        var lines = new List<Message> { "schedules.title" };
        lines.AddRange(all.Select(s => new Message("schedules.line", new()
        {
            ["id"] = s.Id, ["kind"] = new KeyRef($"schedule.kind.{s.Kind}"), ["channel"] = new ChannelMention(s.ChannelId),
            ["cron"] = s.Cron, ["zone"] = s.TimeZone,
            ["last"] = s.Expression.Latest(clock.GetUtcNow(), s.Zone) is { } at
                ? TimeZoneInfo.ConvertTime(at, s.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "–",
            ["source"] = new KeyRef($"schedule.source.{s.Source}"),
        })));
        return new Reply { Lines = lines };
    }
}

/// <summary><c>/spe unschedule &lt;id&gt;</c> (maintainers).</summary>
public sealed class Unschedule(ScheduleStore schedules, IScheduleSync sync, WorkspaceStore workspaces) : ICommandHandler
{
    public string Verb => "unschedule";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var args = c.Parsed.Args;
        if (args.Count != 1 || !long.TryParse(args[0].Text.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return Reply.Text("help.unschedule");
        if (!await workspaces.IsMaintainerAsync(c.Workspace.Id, c.UserId, ct)) return Reply.Text("error.maintainers_only");
        if (!await schedules.DisableAsync(c.Workspace.Id, id, ct)) return Reply.Text("unschedule.not_found", new() { ["id"] = id });
        await sync.SyncAsync(ct);
        return Reply.Text("unschedule.done", new() { ["id"] = id });
    }
}
