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
        if (current.Count > 0 && !current.Contains(c.UserId)) return Refused(current);

        // The store checks again in the write's own transaction: two people racing to be the first maintainer
        // both pass the check above, and only the first write may succeed.
        if (verb == "add")
        {
            return await workspaces.AddMaintainerAsync(c.Workspace.Id, user, c.UserId, ct)
                ? Reply.Text("maintainers.added", new() { ["user"] = new UserRef(user) })
                : Refused(await workspaces.MaintainersAsync(c.Workspace.Id, ct));
        }
        return await workspaces.RemoveMaintainerAsync(c.Workspace.Id, user, c.UserId, ct) switch
        {
            null => Refused(await workspaces.MaintainersAsync(c.Workspace.Id, ct)),
            var removed => Reply.Text(removed.Value ? "maintainers.removed" : "maintainers.not_removed", new() { ["user"] = new UserRef(user) }),
        };
    }

    private static Reply Refused(IReadOnlyList<string> current) =>
        Reply.Text("refuse.maintainers", new() { ["who"] = current.Select(m => new UserRef(m)).ToList() });
}
