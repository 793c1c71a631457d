using System.Globalization;
using SpeBot.Core.Oncall;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Commands;

/// <summary><c>/spe oncall [@user]</c>: who is on call, or hand it to someone now (a swap; the next handoff starts from here).</summary>
public sealed class OncallCommand(ShiftStore shifts) : ICommandHandler
{
    public string Verb => "oncall";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var args = c.Parsed.Args;
        if (args.Count == 0)
        {
            return await shifts.CurrentAsync(c.Workspace.Id, ct) is { } s
                ? Reply.Text("oncall.current", new() { ["user"] = new UserRef(s.UserId), ["since"] = Iso.Of(s.StartedAt)[..16].Replace('T', ' ') + " UTC" })
                : Reply.Text("oncall.none");
        }
        if (args.Count != 1 || !Mention.TryParse(args[0].Text, out var user)) return Reply.Text("help.oncall");
        await shifts.StartAsync(c.Workspace.Id, user, c.UserId, ct);
        return Reply.Text("oncall.set", new() { ["user"] = new UserRef(user) });
    }
}

/// <summary><c>/spe note &lt;text&gt;</c>: a shift note for the next handoff; <c>#toil</c> marks toil, a trailing "?" an open question.</summary>
public sealed class NoteCommand(ShiftStore shifts, Discovery.ToilWatch toilWatch) : ICommandHandler
{
    public const int MaxNote = 1000;

    public string Verb => "note";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var text = c.Parsed.Rest.Trim();
        if (text.Length == 0) return Reply.Text("help.note");
        if (text.Length > MaxNote) return Reply.Text("note.too_long", new() { ["max"] = MaxNote, ["length"] = text.Length });
        var toil = text.Contains("#toil", StringComparison.OrdinalIgnoreCase);
        await shifts.AddNoteAsync(c.Workspace.Id, c.UserId, text, toil, ct);
        if (toil && await toilWatch.NotedAsync(c.Command.Platform, c.Workspace, c.Command.ChannelId, text, ct) is { } proposed)
            return Reply.Text("note.toil_proposed", new() { ["count"] = proposed.Count, ["ref"] = proposed.Item.Ref, ["title"] = proposed.Item.Title });
        return Reply.Text(toil ? "note.saved_toil" : "note.saved");
    }
}

/// <summary><c>/spe handoff [@user]</c>: summarise this shift here and hand over to @user (else the next in the rotation).</summary>
public sealed class HandoffCommand(Database db, Handoffs handoffs, OutboxSignal signal, TimeProvider clock) : ICommandHandler
{
    public string Verb => "handoff";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var args = c.Parsed.Args;
        string? incoming = null;
        if (args.Count > 1 || (args.Count == 1 && !Mention.TryParse(args[0].Text, out incoming))) return Reply.Text("help.handoff");
        var now = clock.GetUtcNow();
        var key = $"manual:{c.Workspace.Id}:{c.Command.ChannelId}:{now.UtcTicks.ToString(CultureInfo.InvariantCulture)}";
        var started = await db.WriteAsync((conn, tx) => handoffs.StartAsync(conn, tx, c.Command.Platform, c.Workspace.Id, c.Command.ChannelId,
            key, incoming, c.UserId, now.AddDays(-7), ct), ct);
        if (started is null) return Reply.Text("error.busy");
        signal.Notify();
        await handoffs.ArmTimersAsync(ct);
        return started.Incoming is null
            ? Reply.Text("handoff.queued_nobody")
            : Reply.Text("handoff.queued", new() { ["user"] = new UserRef(started.Incoming) });
    }
}
