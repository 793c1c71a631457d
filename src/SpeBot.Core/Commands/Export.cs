using SpeBot.Core.Exports;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Commands;

/// <summary><c>/spe export csv|json</c>: the workspace's items, votes and history as a file in this conversation.</summary>
public sealed class Export(Database db, OutboxStore outbox, OutboxSignal signal) : ICommandHandler
{
    public string Verb => "export";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var format = c.Parsed.Args.Count == 1 ? c.Parsed.Args[0].Text.ToLowerInvariant() : "";
        if (!Exporter.Formats.Contains(format)) return Reply.Text("help.export");
        await db.WriteAsync(async (conn, tx) =>
        {
            await outbox.EnqueueAsync(conn, tx, new OutboundMessage(c.Command.Platform, c.Workspace.Id, c.Command.ChannelId, OutboxKinds.Export,
                new OutboundBody { Key = format, UserId = c.UserId, Locale = c.Locale }, $"export:{Guid.NewGuid():N}"), ct);
            return 0;
        }, ct);
        signal.Notify();
        return Reply.Text("export.queued", new() { ["format"] = format.ToUpperInvariant() });
    }
}
