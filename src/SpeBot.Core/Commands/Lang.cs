using SpeBot.Core.Text;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Commands;

/// <summary><c>/spe lang en|ja</c> for yourself; <c>/spe lang workspace en|ja</c> for everyone (maintainers).</summary>
public sealed class Lang(WorkspaceStore workspaces) : ICommandHandler
{
    public string Verb => "lang";

    public async Task<Reply> HandleAsync(CommandContext context, CancellationToken ct)
    {
        var args = context.Parsed.Args;
        var forWorkspace = args.Count == 2 && args[0].Text.Equals("workspace", StringComparison.OrdinalIgnoreCase);
        var wanted = args.Count switch { 1 => args[0].Text, 2 when forWorkspace => args[1].Text, _ => null };
        var locale = MessageCatalog.Normalize(wanted);
        if (locale is null)
        {
            return Reply.Text("lang.usage", new() { ["choices"] = string.Join(", ", MessageCatalog.Locales) });
        }
        if (forWorkspace)
        {
            if (!await workspaces.IsMaintainerAsync(context.Workspace.Id, context.UserId, ct))
                return Reply.Text("error.maintainers_only");
            await workspaces.SetWorkspaceLocaleAsync(context.Workspace.Id, locale, ct);
            return Reply.Text("lang.workspace_set", new() { ["locale"] = locale }) with { Locale = locale };
        }
        await workspaces.SetUserLocaleAsync(context.Workspace.Id, context.UserId, locale, ct);
        return Reply.Text("lang.set", new() { ["locale"] = locale }) with { Locale = locale };
    }
}
