using System.Globalization;
using SpeBot.Core.Outbox;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Commands;

/// <summary>
/// <c>/spe admin outbox [retry &lt;id&gt;|retry dead]</c> (maintainers): this workspace's dead letters, the posts SpeBot
/// gave up on, with why; and sending them again once the cause is fixed (invited to the channel, say).
/// </summary>
public sealed class AdminOutbox(DeadLetters letters, WorkspaceStore workspaces, OutboxSignal signal) : ICommandHandler
{
    private const int Shown = 10;
    private const int ErrorChars = 200;

    public string Verb => "admin";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var args = c.Parsed.Args.Select(a => a.Text.ToLowerInvariant()).ToList();
        if (args is not ["outbox", ..]) return Reply.Text("help.admin");
        if (!await workspaces.IsMaintainerAsync(c.Workspace.Id, c.UserId, ct)) return Reply.Text("error.maintainers_only");
        switch (args)
        {
            case ["outbox"]:
                return await ListAsync(c.Workspace.Id, ct);
            case ["outbox", "retry", "dead"]:
                var count = await letters.RetryAllAsync(c.Workspace.Id, ct);
                if (count > 0) signal.Notify();
                return Reply.Text("admin.outbox.retried_all", new() { ["count"] = count });
            case ["outbox", "retry", var id] when long.TryParse(id.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var rowId):
                if (!await letters.RetryAsync(rowId, c.Workspace.Id, ct)) return Reply.Text("admin.outbox.not_dead", new() { ["id"] = rowId });
                signal.Notify();
                return Reply.Text("admin.outbox.retried", new() { ["id"] = rowId });
            default:
                return Reply.Text("help.admin");
        }
    }

    private async Task<Reply> ListAsync(long workspaceId, CancellationToken ct)
    {
        var pending = await letters.CountAsync(dead: false, workspaceId, ct);
        var dead = await letters.CountAsync(dead: true, workspaceId, ct);
        var lines = new List<Message> { new("admin.outbox.title", new() { ["pending"] = pending, ["dead"] = dead }) };
        if (dead == 0)
        {
            lines.Add("admin.outbox.none");
            return new Reply { Lines = lines };
        }
        foreach (var row in await letters.ListAsync(dead: true, workspaceId, Shown, ct))
        {
            var error = row.LastError ?? "";
            lines.Add(new Message("admin.outbox.dead", new()
            {
                ["id"] = row.Id, ["kind"] = row.Kind, ["channel"] = new ChannelMention(row.ChannelId), ["attempts"] = row.Attempts,
                ["error"] = error.Length > ErrorChars ? error[..ErrorChars] + "…" : error,
            }));
        }
        if (dead > Shown) lines.Add(new Message("admin.outbox.more", new() { ["count"] = dead - Shown }));
        lines.Add("admin.outbox.hint");
        return new Reply { Lines = lines };
    }
}
