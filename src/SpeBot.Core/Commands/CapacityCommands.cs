using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Capacity;
using SpeBot.Core.Items;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Commands;

internal static class Hours
{
    public const double Max = 168;

    /// <summary>"4", "2.5", "2,5", "１．５" (full-width) and "3h" all read as hours.</summary>
    public static bool TryParse(string? text, out double hours)
    {
        hours = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Normalize(System.Text.NormalizationForm.FormKC).Trim().TrimEnd('h', 'H').Replace(',', '.');
        return double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out hours) && hours > 0 && hours <= Max;
    }
}

/// <summary>
/// <c>/spe log SPE-n &lt;hours&gt;</c>: hours you spent, counted as delivered capacity for the item's team. Only the
/// person working on it (who claimed it, was assigned it or finished it) or a maintainer may log, so nobody books
/// hours on someone else's item.
/// </summary>
public sealed class LogHours(Database db, ItemStore items, WorkspaceStore workspaces, TimeProvider clock) : ICommandHandler
{
    public string Verb => "log";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        if (!ItemArgs.TryItem(c, out var n, out var rest) || !Hours.TryParse(rest.Split(' ', 2)[0], out var hours))
            return Reply.Text("help.log");
        var item = await items.GetByNumberAsync(c.Workspace.Id, n, ct);
        if (item is null) return Reply.Text("error.not_found", new() { ["ref"] = ItemRef.Format(n) });
        var isMaintainer = await workspaces.IsMaintainerAsync(c.Workspace.Id, c.UserId, ct);
        // Who works on it is read again in the write's transaction, so a release racing the log cannot slip past.
        var refusal = await db.WriteAsync(async (conn, tx) =>
        {
            var (claimedBy, doneBy) = await conn.QuerySingleAsync<(string?, string?)>(new CommandDefinition(
                "SELECT claimed_by, done_by FROM items WHERE id = @Id", new { item.Id }, tx, cancellationToken: ct));
            if (!isMaintainer && claimedBy != c.UserId && doneBy != c.UserId)
            {
                return claimedBy is null
                    ? new Message("refuse.log_unclaimed", new() { ["ref"] = item.Ref })
                    : new Message("refuse.log", new() { ["ref"] = item.Ref, ["user"] = new UserRef(claimedBy) });
            }
            await conn.ExecuteAsync(new CommandDefinition(
                "INSERT INTO work_logs (item_id, user_id, hours, logged_at) VALUES (@Id, @user, @hours, @now)",
                new { item.Id, user = c.UserId, hours, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct));
            await items.AppendEventAsync(conn, tx, item.Id, c.UserId, "logged", hours.ToString("0.##", CultureInfo.InvariantCulture),
                c.Command.Platform.Wire(), c.Command.ChannelId, ct);
            return null;
        }, ct);
        return refusal is null ? Reply.Text("log.done", new() { ["ref"] = item.Ref, ["hours"] = hours }) : Reply.Of(refusal);
    }
}

/// <summary><c>/spe pledge &lt;team&gt; &lt;hours&gt; per week</c>: the team's standing commitment to SPE work.</summary>
public sealed class Pledge(CapacityStore capacity) : ICommandHandler
{
    public string Verb => "pledge";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var args = c.Parsed.Args;
        if (args.Count < 2 || !Hours.TryParse(args[1].Text, out var hours) || args[0].Text.Length > ProposalText.MaxTeam)
            return Reply.Text("help.pledge");
        await capacity.PledgeAsync(c.Workspace.Id, args[0].Text, hours, c.UserId, ct);
        return Reply.Text("pledge.done", new() { ["team"] = args[0].Text, ["hours"] = hours });
    }
}

/// <summary><c>/spe capacity [team]</c>: pledged against delivered, this week and last, in the workspace's time zone.</summary>
public sealed class CapacityReport(CapacityStore capacity, TimeProvider clock, IOptions<SpeBotOptions> options) : ICommandHandler
{
    public string Verb => "capacity";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var team = c.Parsed.Args.Count > 0 ? c.Parsed.Args[0].Text : null;
        var zone = Weeks.Zone(c.Workspace.TimeZone, options.Value.DefaultTimeZone);
        var lines = new List<Message>();
        foreach (var (offset, key) in new[] { (0, "capacity.this_week"), (-1, "capacity.last_week") })
        {
            var (start, end) = Weeks.Of(clock.GetUtcNow(), zone, offset);
            lines.Add(new Message(key, new() { ["from"] = TimeZoneInfo.ConvertTime(start, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["zone"] = zone.Id }));
            var week = await capacity.WeekAsync(c.Workspace.Id, start, end, team, ct);
            if (week.Count == 0) lines.Add("capacity.none");
            lines.AddRange(week.Select(l => new Message("capacity.line", new()
            {
                ["team"] = l.Team.Length == 0 ? new KeyRef("capacity.no_team") : l.Team,
                ["delivered"] = Math.Round(l.Delivered, 1),
                ["pledged"] = Math.Round(l.Pledged, 1),
                ["percent"] = l.Pledged > 0 ? (int)Math.Round(100 * l.Delivered / l.Pledged) : 0,
            })));
        }
        return new Reply { Lines = lines };
    }
}
