using SpeBot.Core.Commands;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Discovery;

/// <summary><c>/spe mute &lt;source&gt;</c> and <c>/spe unmute &lt;source&gt;</c> (maintainers); without a source, the list.</summary>
public sealed class MuteCommand(MutedSources muted, WorkspaceStore workspaces) : ICommandHandler
{
    public string Verb => "mute";

    public Task<Reply> HandleAsync(CommandContext c, CancellationToken ct) => MuteCommands.RunAsync(c, muted, workspaces, mute: true, ct);
}

public sealed class UnmuteCommand(MutedSources muted, WorkspaceStore workspaces) : ICommandHandler
{
    public string Verb => "unmute";

    public Task<Reply> HandleAsync(CommandContext c, CancellationToken ct) => MuteCommands.RunAsync(c, muted, workspaces, mute: false, ct);
}

internal static class MuteCommands
{
    public static async Task<Reply> RunAsync(CommandContext c, MutedSources muted, WorkspaceStore workspaces, bool mute, CancellationToken ct)
    {
        var args = c.Parsed.Args;
        var sources = string.Join(", ", Sources.All);
        if (args.Count == 0)
        {
            var list = await muted.ListAsync(c.Workspace.Id, ct);
            return Reply.Text(list.Count == 0 ? "mute.none" : "mute.list", new() { ["muted"] = string.Join(", ", list), ["sources"] = sources });
        }
        var source = args[0].Text.ToLowerInvariant();
        if (args.Count != 1 || !Sources.All.Contains(source))
            return Reply.Text("mute.unknown", new() { ["source"] = args[0].Text, ["sources"] = sources });
        if (!await workspaces.IsMaintainerAsync(c.Workspace.Id, c.UserId, ct)) return await Refuse.MaintainersAsync(workspaces, c.Workspace.Id, ct);
        return mute
            ? Reply.Text(await muted.MuteAsync(c.Workspace.Id, source, c.UserId, ct) ? "mute.done" : "mute.already", new() { ["source"] = source })
            : Reply.Text(await muted.UnmuteAsync(c.Workspace.Id, source, ct) ? "unmute.done" : "unmute.not_muted", new() { ["source"] = source });
    }
}

/// <summary>The refusal Lifecycle gives, for discovery's maintainer-only verbs.</summary>
internal static class Refuse
{
    public static async Task<Reply> MaintainersAsync(WorkspaceStore workspaces, long workspaceId, CancellationToken ct)
    {
        var list = await workspaces.MaintainersAsync(workspaceId, ct);
        return list.Count == 0
            ? Reply.Text("refuse.no_maintainers")
            : Reply.Text("refuse.maintainers", new() { ["who"] = list.Take(10).Select(m => new UserRef(m)).ToList() });
    }
}
