using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Commands;

/// <summary>
/// <c>/spe maintainers [add|remove @user]</c>. Maintainers change the list; while a workspace has none at all,
/// anyone may add the first, so a new workspace is never locked out.
/// </summary>
public sealed class Maintainers(WorkspaceStore workspaces) : ICommandHandler
{
    public string Verb => "maintainers";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var args = c.Parsed.Args;
        var current = await workspaces.MaintainersAsync(c.Workspace.Id, ct);
        if (args.Count == 0)
        {
            return current.Count == 0
                ? Reply.Text("maintainers.none")
                : Reply.Text("maintainers.list", new() { ["who"] = current.Select(m => new UserRef(m)).ToList() });
        }
        var verb = args[0].Text.ToLowerInvariant();
        if (args.Count != 2 || verb is not ("add" or "remove") || !Mention.TryParse(args[1].Text, out var user))
            return Reply.Text("help.maintainers");
        if (current.Count > 0 && !current.Contains(c.UserId))
            return Reply.Text("refuse.maintainers", new() { ["who"] = current.Select(m => new UserRef(m)).ToList() });

        if (verb == "add")
        {
            await workspaces.AddMaintainerAsync(c.Workspace.Id, user, c.UserId, ct);
            return Reply.Text("maintainers.added", new() { ["user"] = new UserRef(user) });
        }
        var removed = await workspaces.RemoveMaintainerAsync(c.Workspace.Id, user, ct);
        return Reply.Text(removed ? "maintainers.removed" : "maintainers.not_removed", new() { ["user"] = new UserRef(user) });
    }
}
