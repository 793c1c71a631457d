using SpeBot.Core.Items;

namespace SpeBot.Core.Commands;

/// <summary><c>/spe claim SPE-n</c>: take it on yourself.</summary>
public sealed class Claim(Lifecycle lifecycle) : ICommandHandler
{
    public string Verb => "claim";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct) =>
        ItemArgs.TryItem(c, out var n, out _) ? Reply.Of(await lifecycle.ClaimAsync(c.Actor(), n, ct)) : Reply.Text("help.claim");
}

/// <summary><c>/spe release SPE-n</c>: give a claim back (the claimer or a maintainer).</summary>
public sealed class Release(Lifecycle lifecycle) : ICommandHandler
{
    public string Verb => "release";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct) =>
        ItemArgs.TryItem(c, out var n, out _) ? Reply.Of(await lifecycle.ReleaseAsync(c.Actor(), n, ct)) : Reply.Text("help.release");
}

/// <summary><c>/spe assign SPE-n @user</c> (maintainers).</summary>
public sealed class Assign(Lifecycle lifecycle) : ICommandHandler
{
    public string Verb => "assign";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var args = c.Parsed.Args;
        if (args.Count != 2 || !ItemRef.TryParse(args[0].Text, out var n) || !Mention.TryParse(args[1].Text, out var user))
            return Reply.Text("help.assign");
        return Reply.Of(await lifecycle.AssignAsync(c.Actor(), n, user, ct));
    }
}

/// <summary><c>/spe update SPE-n &lt;note&gt;</c>: record progress; keeps the claim from expiring.</summary>
public sealed class Update(Lifecycle lifecycle) : ICommandHandler
{
    public string Verb => "update";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct) =>
        ItemArgs.TryItem(c, out var n, out var note) && note.Length > 0
            ? Reply.Of(await lifecycle.UpdateAsync(c.Actor(), n, note, ct))
            : Reply.Text("help.update");
}

/// <summary>
/// <c>/spe done SPE-n [evidence]</c>: finish it. Without evidence, where a form can open, it asks for a before/after
/// first; elsewhere the item is done at once and the reply invites the evidence.
/// </summary>
public sealed class Done(Lifecycle lifecycle, ItemStore items) : ICommandHandler
{
    public string Verb => "done";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        if (!ItemArgs.TryItem(c, out var n, out var evidence)) return Reply.Text("help.done");
        if (evidence.Length == 0 && c.Command.CanOpenForms && await items.GetByNumberAsync(c.Workspace.Id, n, ct) is { } item)
            return new Reply { Evidence = new EvidenceForm(item.Number, item.Title) };
        return Reply.Of(await lifecycle.DoneAsync(c.Actor(), n, evidence.Length == 0 ? null : evidence, ct));
    }
}
