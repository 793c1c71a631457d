using SpeBot.Core.Items;

namespace SpeBot.Core.Commands;

/// <summary><c>/spe propose &lt;title&gt; [#category] [impact:N] [effort:N] [team:name]</c>; no title opens the form.</summary>
public sealed class Propose(Proposals proposals) : ICommandHandler
{
    public string Verb => "propose";

    public async Task<Reply> HandleAsync(CommandContext context, CancellationToken ct)
    {
        var p = ProposalText.Parse(context.Parsed.Args);
        if (p.Error is not null) return Reply.Of(p.Error, "help.propose");
        if (p.Title.Length == 0)
        {
            if (!context.Command.CanOpenForms && !context.Command.CanOfferForms) return Reply.Text("help.propose");
            return Reply.OpenForm(new FormRequest(Category: p.Category, Impact: p.Impact, Effort: p.Effort, Team: p.Team));
        }

        var command = context.Command;
        var (item, _) = await proposals.SubmitAsync(command.Platform, new NewItem(
            context.Workspace.Id, p.Title, command.Platform.Wire(), command.UserId, p.Category,
            Impact: p.Impact, Effort: p.Effort, Team: p.Team, ChannelId: command.ChannelId), command.ChannelId, ct);
        return Reply.Text("propose.created", new() { ["ref"] = item.Ref, ["title"] = item.Title });
    }
}
