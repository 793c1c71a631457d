using SpeBot.Core.Items;

namespace SpeBot.Core.Commands;

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
